// Test (unit, renderer state): People on a real library: loading, selection, merge by selection, undo/redo, hidden people, events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';
import { skipUnlessData } from '../../../../helpers/data.js';
import { bbtCopy, openHostApi, until } from '../../host-api.js';

const { People, PEOPLE_OPTIONS } = await import('../../../../../renderer/src/lib/state/people.svelte.js');
const { Notices } = await import('../../../../../renderer/src/lib/state/notices.svelte.js');
const skip = skipUnlessData('fixtures', 'bbt');
// The tests of this file run in order on one library: amy, penny and raj, five photos each.
const { api, dir } = await openHostApi();
const notices = new Notices();
const people = new People(api, notices);
const lastNotice = () => notices.items.at(-1)?.text ?? '';
const ids = () => people.items.map((p) => p.id);

test('an empty library loads as no people', async () => {
  assert.equal(people.loaded, false);
  await people.refresh();
  assert.equal(people.loaded, true);
  assert.equal(people.total, 0);
  assert.deepEqual(people.items, []);
});

test('an import brings its people in without a refresh call', { skip, timeout: 120_000 }, async () => {
  const paths = [bbtCopy(dir, ['amy', 'penny', 'raj'])];
  await api.files.choose({ paths });
  await api.library.addFolders({ paths });
  await until('three people', () => people.total === 3);
  assert.deepEqual(
    people.items.map((p) => p.faceCount),
    [5, 5, 5],
  );
  assert.ok(people.items.every((p) => p.name === null && !p.hidden && p.coverFaceId !== null));
  assert.equal(people.byId(people.items[1]!.id), people.items[1]);
  assert.equal(people.byId(999_999), undefined);
});

test('a rename from another door shows up through the people.changed event', { skip }, async () => {
  const id = people.items[0]!.id;
  await api.people.rename({ personId: id, name: 'Amy' });
  // The history (newest first) comes with the people, just after them.
  await until('the new name and its history', () => people.byId(id)?.name === 'Amy' && people.history.length > 0);
  assert.equal(people.history[0]!.kind, 'rename');
  assert.match(people.history[0]!.summary, /to Amy$/);
});

test('selection: toggle, clear; merging one person asks for two', { skip }, async () => {
  const [a, b] = ids();
  people.toggle(a!);
  people.toggle(b!);
  people.toggle(b!);
  assert.deepEqual([...people.selected], [a]);
  await people.mergeSelected();
  assert.equal(lastNotice(), 'Select two or more people to merge.');
  assert.equal(people.total, 3, 'nothing merged');
  people.clearSelection();
  assert.equal(people.selected.size, 0);
});

test(
  'merging the selection goes into the person with most faces; undo and redo say what they did',
  { skip },
  async () => {
    // Three faces of the third person become a fourth person: 5, 5, 2 and 3 faces.
    const third = people.items[2]!.id;
    const faces = (await api.people.faces({ personId: third })).items;
    const split = await api.people.split({ faceIds: faces.slice(0, 3).map((f) => f.id) });
    await until('the split', () => people.total === 4);
    assert.equal(people.byId(third)!.faceCount, 2);

    people.toggle(third);
    people.toggle(split.id);
    await people.mergeSelected();
    assert.match(lastNotice(), /^Merged 2 people into one person/);
    assert.equal(people.selected.size, 0, 'the selection is cleared');
    await until('the merge', () => people.total === 3);
    assert.equal(people.byId(split.id)?.faceCount, 5, 'the larger person (3 faces) took the smaller (2)');
    assert.equal(people.byId(third), undefined);

    await people.undo();
    assert.match(lastNotice(), /^Undone: /);
    await until('the undo', () => people.total === 4 && people.byId(third)?.faceCount === 2);
    await people.redo();
    assert.match(lastNotice(), /^Redone: /);
    await until('the redo', () => people.total === 3 && people.byId(third) === undefined);
  },
);

test('a selected person who is merged away leaves the selection', { skip }, async () => {
  const [a, b, c] = ids();
  people.toggle(b!);
  people.toggle(c!);
  await api.people.merge({ intoId: a!, fromIds: [b!] });
  await until('the merge', () => people.byId(b!) === undefined);
  assert.deepEqual([...people.selected], [c]);
  people.clearSelection();
});

test('a merge the engine refuses is reported, not thrown', { skip }, async () => {
  const [a] = ids();
  const before = notices.items.length;
  people.toggle(a!);
  await people.mergeSelected(999_999);
  assert.equal(notices.items.length, before + 1);
  assert.equal(notices.items.at(-1)!.kind, 'error');
  assert.match(lastNotice(), /999999/);
  people.clearSelection();
});

test('hidden people are left out unless asked for', { skip }, async () => {
  const [a] = ids();
  const total = people.total;
  await api.people.hide({ personId: a!, hidden: true });
  await until('the hidden person to go', () => people.byId(a!) === undefined);
  assert.equal(people.total, total - 1);
  people.showHidden = true;
  await until('the hidden person to show', () => people.byId(a!)?.hidden === true);
  assert.equal(people.total, total);
  people.showHidden = false;
  await until('the hidden person to go again', () => people.byId(a!) === undefined);
});

test('once disposed, it hears nothing more', { skip }, async () => {
  const [a] = ids();
  people.dispose();
  await api.people.rename({ personId: a!, name: 'Nobody hears this' });
  await new Promise((r) => setTimeout(r, PEOPLE_OPTIONS.refreshMs * 3));
  assert.notEqual(people.byId(a!)?.name, 'Nobody hears this');
  notices.dispose();
});
