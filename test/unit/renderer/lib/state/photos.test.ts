// Test (unit, renderer state): a photo list on a real library — months before photos, pages loaded as rows come into view, a change reaching it by events; the grid's layout and the filter in the address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import '../../../../helpers/svelte.js';
import { skipUnlessData } from '../../../../helpers/data.js';
import { makePhotoSet, photosOf } from '../../../../helpers/photo-set.js';
import { openHostApi, until } from '../../host-api.js';

const { PhotoList, PHOTO_LIST_OPTIONS, layoutRows, filterFromQuery, filterToQuery } =
  await import('../../../../../renderer/src/lib/state/photos.svelte.js');
const { Notices } = await import('../../../../../renderer/src/lib/state/notices.svelte.js');
const { FaceSources } = await import('../../../../../renderer/src/lib/state/sources.svelte.js');
const skip = skipUnlessData('fixtures', 'wild');

test('the grid lays out months from the counts alone: small months share a row, a big one fills rows', () => {
  const months = [
    { key: '2021-12', count: 1, start: 0 },
    { key: '2021-11', count: 2, start: 1 },
    { key: '2021-10', count: 5, start: 3 },
    { key: '2019-05', count: 1, start: 8 },
    { key: 'undated', count: 3, start: 9 },
  ];
  const show = (cols: number) =>
    layoutRows(months, cols).map((r) =>
      r.segments.map((s) => `${s.label ? `${s.key}:` : ''}${s.start}-${s.end}`).join(' '),
    );
  // 'undated' (3) does not fit in the 2 cells left beside 2019-05: it begins a row of its own.
  assert.deepEqual(show(4), ['2021-12:0-1 2021-11:1-3', '2021-10:3-7', '7-8 2019-05:8-9', 'undated:9-12']);
  assert.deepEqual(show(1), [
    '2021-12:0-1',
    '2021-11:1-2',
    '2-3',
    '2021-10:3-4',
    '4-5',
    '5-6',
    '6-7',
    '7-8',
    '2019-05:8-9',
    'undated:9-10',
    '10-11',
    '11-12',
  ]);
  const rows = layoutRows(months, 4);
  assert.deepEqual(
    rows.map((r) => r.titled),
    [true, true, true, true],
  );
  assert.equal(layoutRows(months, 2)[3]!.titled, false, 'a row that only goes on with a month has no title band');
  assert.equal(rows[3]!.segments[0]!.label, 'Undated');
  // Every photo is in exactly one row, in order.
  assert.deepEqual(
    rows.flatMap((r) => r.segments.flatMap((x) => Array.from({ length: x.end - x.start }, (_, k) => x.start + k))),
    Array.from({ length: 12 }, (_, k) => k),
  );
  // 100k photos in 120 months lay out at once, without a photo loaded.
  const big = Array.from({ length: 120 }, (_, i) => ({ key: `2000-${i}`, count: 834, start: i * 834 }));
  const t = performance.now();
  const bigRows = layoutRows(big, 6);
  assert.ok(performance.now() - t < 1000);
  assert.equal(
    bigRows.reduce((n, r) => n + r.segments.reduce((m, x) => m + x.end - x.start, 0), 0),
    100_080,
  );
});

test('a filter rides in the address and comes back the same; junk in the address is dropped', () => {
  const f = {
    personIds: [3, 4],
    folder: '/home/me/Pictures/2019 trip',
    from: 1_500_000_000_000,
    to: 1_600_000_000_000,
  };
  const q = filterToQuery(f);
  assert.deepEqual(filterFromQuery(Object.fromEntries(new URLSearchParams(new URLSearchParams(q).toString()))), f);
  assert.deepEqual(filterFromQuery({ people: '3,x,-1,3,0', from: 'soon', to: '' }), { personIds: [3] });
  assert.deepEqual(filterToQuery({}), {});
});

test(
  'a person’s photos: months first, pages as rows come into view, newest first',
  { skip, timeout: 180_000 },
  async () => {
    const { api, host, dir } = await openHostApi();
    const folder = join(dir, 'set');
    const set = await makePhotoSet(folder);
    await host.engine.library.importFolders([folder]);
    const notices = new Notices();
    const all = new PhotoList(api, notices, {});
    await all.refresh();
    assert.equal(all.loaded, true);
    assert.equal(all.total, set.photos.length);
    assert.equal(all.at(0), undefined, 'no photo is fetched before its row asks');
    await all.ensure(0);
    const order = [...set.photos].sort((a, b) => b.date - a.date);
    assert.deepEqual(
      Array.from({ length: all.total }, (_, i) => all.at(i)!.date),
      order.map((p) => p.date),
    );
    assert.equal(
      all.months.reduce((s, m) => s + m.count, 0),
      set.photos.length,
    );

    // Anna's list: the person of the face in a photo only she is in.
    const solo = order.findIndex((p) => p.who.length === 1 && p.who[0] === 'anna');
    const annaId = (await api.photos.get({ photoId: all.at(solo)!.id })).faces[0]!.personId!;
    const anna = new PhotoList(api, notices, { personIds: [annaId] });
    await anna.refresh();
    await anna.ensure(0);
    assert.deepEqual(
      Array.from({ length: anna.total }, (_, i) => anna.at(i)!.date),
      photosOf(set.photos, 'anna').map((p) => p.date),
    );
    assert.equal(anna.indexOf(anna.at(2)!.id), 2);

    // The file of a face, asked once when it is first hovered.
    const sources = new FaceSources(api);
    const photo = await api.photos.get({ photoId: anna.at(0)!.id });
    const faceId = photo.faces[0]!.id;
    assert.equal(sources.get(faceId), undefined);
    await Promise.all([sources.ask(faceId), sources.ask(faceId)]);
    assert.equal(sources.get(faceId), photo.path);
    assert.ok(photo.path!.startsWith(folder));
    await sources.ask(999_999); // a face that is not there: nothing known, nothing thrown
    assert.equal(sources.get(999_999), undefined);

    // A photo leaving the library reaches both lists through the engine's events alone.
    const removed = (await api.library.folders())[0]!;
    await api.library.removeFolder({ folderId: removed.id });
    await until('the lists to empty', () => all.total === 0 && anna.total === 0);
    assert.equal(all.at(0), undefined);
    assert.deepEqual(notices.items, []);
    all.dispose();
    anna.dispose();
    assert.ok(PHOTO_LIST_OPTIONS.page >= 50);
  },
);

test('a page asked for twice while it loads is fetched once', { skip, timeout: 180_000 }, async () => {
  const { api, host, dir } = await openHostApi();
  const folder = join(dir, 'set');
  await makePhotoSet(folder);
  await host.engine.library.importFolders([folder]);
  let lists = 0;
  const counting = new Proxy(api, {
    get(t, ns) {
      const v = Reflect.get(t, ns);
      if (ns !== 'photos') return v;
      return new Proxy(v as object, {
        get(u, verb) {
          const f = Reflect.get(u, verb) as (a: unknown) => Promise<unknown>;
          return verb === 'list' ? (a: unknown) => (lists++, f(a)) : f;
        },
      });
    },
  });
  const list = new PhotoList(counting, new Notices(), {});
  await list.refresh();
  await Promise.all([list.ensure(0), list.ensure(1), list.ensure(2)]);
  assert.equal(lists, 1);
  await list.ensure(3);
  assert.equal(lists, 1, 'a loaded page is not fetched again');
  list.dispose();
});
