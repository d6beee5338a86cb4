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
const skip = skipUnlessData('fixtures', 'wild');

test('the grid lays out month sections from the counts alone: a title row, then rows of `cols` photos', () => {
  const months = [
    { key: '2021-12', count: 5, start: 0 },
    { key: '2019-05', count: 1, start: 5 },
    { key: 'undated', count: 3, start: 6 },
  ];
  const rows = layoutRows(months, 2);
  assert.deepEqual(
    rows.map((r) => (r.kind === 'month' ? r.key : `${r.start}-${r.end}`)),
    ['2021-12', '0-2', '2-4', '4-5', '2019-05', '5-6', 'undated', '6-8', '8-9'],
  );
  assert.equal(rows.find((r) => r.kind === 'month' && r.key === 'undated')!.kind === 'month' && 'Undated', 'Undated');
  // 100k photos in 120 months lay out at once, without a photo loaded.
  const big = Array.from({ length: 120 }, (_, i) => ({ key: `2000-${i}`, count: 834, start: i * 834 }));
  assert.equal(layoutRows(big, 6).filter((r) => r.kind === 'photos').length, 120 * 139);
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
