// Test (unit, renderer state): Library shows the engine's folders, figures and failed files, and follows its events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../../helpers/svelte.js';
import { skipUnlessData } from '../../../../helpers/data.js';
import { bbtCopy, openHostApi, until } from '../../host-api.js';

const { Library } = await import('../../../../../renderer/src/lib/state/library.svelte.js');
const { Notices } = await import('../../../../../renderer/src/lib/state/notices.svelte.js');
const skip = skipUnlessData('fixtures', 'bbt');

test('an empty library: no folders, zero figures, no failures', async () => {
  const { api } = await openHostApi();
  const notices = new Notices();
  const library = new Library(api, notices);
  assert.equal(library.stats === undefined, true, 'nothing before the first refresh');
  await library.refresh();
  assert.deepEqual(library.folders, []);
  assert.equal(library.stats?.photos, 0);
  assert.equal(library.stats?.faces, 0);
  assert.deepEqual(library.failures, { total: 0, items: [] });
  assert.deepEqual(notices.items, []);
  library.dispose();
});

test('an import and a removal reach it through events alone', { skip, timeout: 120_000 }, async () => {
  const { api, dir } = await openHostApi();
  const notices = new Notices();
  const library = new Library(api, notices);
  const photos = bbtCopy(dir, ['penny', 'raj']);
  writeFileSync(join(photos, 'torn.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])); // a JPEG cut short
  await api.files.choose({ paths: [photos] });
  const { jobId } = await api.library.addFolders({ paths: [photos] });
  library.started(jobId, 'Importing photos');
  // No refresh() here: the engine's events make it refresh (once per burst).
  await until('the imported photos to show', () => library.stats?.photos === 10 && library.failures.total === 1);
  assert.equal(library.folders.length, 1);
  assert.ok(library.folders[0]!.path.endsWith('photos'), library.folders[0]!.path);
  assert.equal(library.stats!.faces, 10);
  assert.ok(library.failures.items[0]!.path.endsWith('torn.jpg'));
  assert.ok(library.failures.items[0]!.reason.length > 0, 'a failure says why');

  // The end of the import is told once, in words, wherever the user is, in the place of its start.
  await until('the notice that the import finished', () => notices.items.some((n) => n.text.startsWith('Import fin')));
  assert.equal(notices.items.length, 1);
  assert.equal(notices.items[0]!.kind, 'info');
  assert.match(notices.items[0]!.text, /^Import finished: 10 new photos, 10 faces, 1 failed/);

  // A start heard after its end (a small import, a slow answer) says nothing.
  library.started(jobId, 'Importing photos');
  assert.equal(notices.items.length, 1);
  assert.match(notices.items[0]!.text, /^Import finished/);

  await api.library.removeFolder({ folderId: library.folders[0]!.id });
  await until('the folder to go', () => library.folders.length === 0);
  assert.equal(library.stats!.photos, 0);
  assert.equal(notices.items.length, 1, 'nothing else to say');
  library.dispose();
});

test(
  'people edits reach the figures at once: people and unknown faces after a merge and a split',
  { skip, timeout: 120_000 },
  async () => {
    const { api, dir } = await openHostApi();
    const notices = new Notices();
    const library = new Library(api, notices);
    const folder = bbtCopy(dir, ['amy', 'penny', 'raj']);
    await api.files.choose({ paths: [folder] });
    await api.library.addFolders({ paths: [folder] });
    await until('three people', () => library.stats?.people === 3);
    const people = (await api.people.list({})).items;
    const loose = library.stats!.unknownFaces + library.stats!.lowQualityFaces;
    assert.equal(library.stats!.faces - loose, 15, 'every good face is in a person');

    // No library event follows a merge or a split: people.changed alone brings the counts up to date.
    await api.people.merge({ intoId: people[0]!.id, fromIds: [people[1]!.id] });
    await until('one person fewer', () => library.stats?.people === 2);
    const faces = (await api.people.faces({ personId: people[2]!.id })).items;
    await api.people.split({ faceIds: [faces[0]!.id] });
    await until('one person more', () => library.stats?.people === 3);
    await api.people.reject({ personId: people[2]!.id, faceIds: [faces[1]!.id] });
    await until('a face in nobody', () => library.stats!.unknownFaces + library.stats!.lowQualityFaces === loose + 1);
    library.dispose();
  },
);

test('a refresh that fails says why instead of throwing', async () => {
  const { api, host } = await openHostApi();
  const notices = new Notices();
  const library = new Library(api, notices);
  await host.close();
  await library.refresh();
  assert.equal(library.stats, undefined);
  assert.equal(notices.items.length, 1);
  assert.equal(notices.items[0]!.kind, 'error');
  assert.match(notices.items[0]!.text, /closed/);
  notices.dispose();
  library.dispose();
});
