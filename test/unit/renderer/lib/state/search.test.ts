// Test (unit, renderer state): the search box on a real library — people by name, two people together, months and pages as links; only the latest text's answer counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import '../../../../helpers/svelte.js';
import { skipUnlessData } from '../../../../helpers/data.js';
import { makePhotoSet } from '../../../../helpers/photo-set.js';
import { openHostApi } from '../../host-api.js';

const { Search } = await import('../../../../../renderer/src/lib/state/search.svelte.js');
const { Notices } = await import('../../../../../renderer/src/lib/state/notices.svelte.js');
const { parseRoute, href } = await import('../../../../../renderer/src/lib/state/router.svelte.js');
const skip = skipUnlessData('fixtures', 'wild');
const PAGES = [
  ['library', 'Library'],
  ['timeline', 'Photos (timeline)'],
] as const;

test('links carry a list in the hash and read back', () => {
  assert.equal(href('timeline', { people: '3,4', view: undefined }), '#/timeline?people=3%2C4');
  assert.deepEqual(parseRoute('#/timeline?people=3%2C4&view=9'), {
    parts: ['timeline'],
    page: 'timeline',
    id: undefined,
    query: { people: '3,4', view: '9' },
  });
  assert.deepEqual(parseRoute('#/photos/12?view=5').id, 12);
});

test('people by name, "A and B" together, a month, pages: each a link', { skip, timeout: 180_000 }, async () => {
  const { api, host, dir } = await openHostApi();
  const folder = join(dir, 'set');
  await makePhotoSet(folder);
  await host.engine.library.importFolders([folder]);
  // Name the two people of the photo of two.
  const both = (await api.photos.list({})).items.find((p) => p.faces === 2)!;
  const [a, b] = (await api.photos.get({ photoId: both.id })).faces.map((f) => f.personId!);
  await api.people.rename({ personId: a!, name: 'Anna' });
  await api.people.rename({ personId: b!, name: 'Ben' });

  const notices = new Notices();
  const search = new Search(api, notices, PAGES);
  search.text = 'ann';
  await search.run();
  assert.deepEqual(
    search.items.slice(0, 2).map((i) => [i.kind, i.label, i.href]),
    [
      ['person', 'Anna', `#/person/${a}`],
      ['photos', 'Photos of Anna', `#/photos/${a}`],
    ],
  );
  search.text = 'anna & ben';
  await search.run();
  assert.deepEqual(search.items[0], {
    kind: 'together',
    label: 'Anna and Ben',
    detail: 'photos together',
    href: `#/timeline?people=${a}%2C${b}`,
  });
  search.text = 'dec 2021';
  await search.run();
  const d = search.items.find((i) => i.kind === 'date')!;
  assert.equal(d.label, 'Photos from December 2021');
  const q = parseRoute(d.href).query;
  const inDec = await api.photos.list({ from: Number(q.from), to: Number(q.to) });
  assert.equal(inDec.total, 1);
  search.text = 'photos';
  await search.run();
  assert.ok(search.items.some((i) => i.kind === 'page' && i.href === '#/timeline'));
  search.text = '   ';
  await search.run();
  assert.deepEqual(search.items, []);
  assert.deepEqual(notices.items, []);
  search.dispose();
});

test('a slow answer to an earlier text never replaces the answer to the latest', async () => {
  const { api } = await openHostApi();
  // The real engine answers; only the first answer is held back.
  const slow: Record<string, number> = { library: 300, photos: 0 };
  const delayed = new Proxy(api, {
    get: (t, ns) =>
      ns === 'search'
        ? {
            query: async (a: { q: string; limit?: number }) => {
              await new Promise((r) => setTimeout(r, slow[a.q] ?? 0));
              return api.search.query(a);
            },
          }
        : Reflect.get(t, ns),
  });
  const search = new Search(delayed, new Notices(), PAGES);
  search.text = 'library';
  const first = search.run();
  search.text = 'photos';
  await search.run();
  await first;
  assert.deepEqual(
    search.items.map((i) => i.label),
    ['Photos (timeline)'],
  );
  search.dispose();
});
