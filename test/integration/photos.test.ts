// Test (integration, engine host): a person's photos by date, people together, search, a photo's place in a list, the files a door shows (HEIC included) — real photos, real SQLite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { EngineHost } from '../../src/engine/host/host.js';
import { skipUnlessData } from '../helpers/data.js';
import { makePhotoSet, photosOf, type SetPhoto } from '../helpers/photo-set.js';

const skip = skipUnlessData('fixtures', 'wild');
const dir = mkdtempSync(join(tmpdir(), 'facelens-photos-int-'));
const folder = join(dir, 'photos');
let host: EngineHost;
let set: { photos: SetPhoto[]; heic: boolean };
/** Person id of anna, ben, cy; the photo id of each set file. */
const person: Record<string, number> = {};
const photoOf: Record<string, number> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely; the host checks them against the contract
async function value<T = any>(m: string, a?: unknown): Promise<T> {
  const r = await host.call(m, a);
  assert.ok(r.ok, `${m}: ${JSON.stringify(r)}`);
  return (r as { value: T }).value;
}

before(async () => {
  if (skip) return;
  set = await makePhotoSet(folder);
  host = await EngineHost.open({
    dbPath: join(dir, 'lib', 'library.db'),
    door: 'web',
    checkResults: true,
    watch: false,
  });
  const s = await host.engine.library.importFolders([folder]);
  assert.equal(s.failures.length, 0, JSON.stringify(s.failures));
  assert.equal(s.added, set.photos.length);
  // Which person each of anna, ben and cy became: the person of the face in their single-person photos.
  const { items } = await value('photos.list', { limit: 100 });
  for (const it of items) {
    const p = await value('photos.get', { photoId: it.id });
    photoOf[p.path.slice(folder.length + 1)] = it.id;
  }
  for (const p of set.photos) assert.ok(photoOf[p.file], `${p.file} is in the library`);
  for (const who of ['anna', 'ben', 'cy'] as const) {
    const solo = set.photos.filter((p) => p.who.length === 1 && p.who[0] === who);
    const ids = new Set<number>();
    for (const p of solo) {
      const photo = await value('photos.get', { photoId: photoOf[p.file] });
      assert.equal(photo.faces.length, 1, `${p.file}: one face`);
      ids.add(photo.faces[0].personId);
    }
    assert.equal(ids.size, 1, `${who}'s photos are one person (${[...ids]})`);
    person[who] = [...ids][0]!;
  }
  await value('people.rename', { personId: person.anna, name: 'Anna' });
  await value('people.rename', { personId: person.ben, name: 'Ben' });
});
after(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (items: { id: number }[]) => items.map((p) => p.id);
const expected = (...who: SetPhoto['who']) => photosOf(set.photos, ...who).map((p) => photoOf[p.file]!);

test(
  'a person’s photos come newest first by their date: EXIF with its offset, else the file’s time',
  { skip },
  async () => {
    const anna = await value('photos.list', { personIds: [person.anna] });
    assert.deepEqual(ids(anna.items), expected('anna'));
    assert.equal(anna.total, expected('anna').length);
    for (const p of set.photos) {
      const got = await value('photos.get', { photoId: photoOf[p.file] });
      assert.equal(got.date, p.date, `${p.file}: date`);
      assert.equal(got.dateSource, p.source, `${p.file}: where the date came from`);
      assert.ok(got.path.endsWith(p.file));
    }
    const timeline = await value('photos.list', {});
    assert.deepEqual(
      ids(timeline.items),
      [...set.photos].sort((a, b) => b.date - a.date).map((p) => photoOf[p.file]),
      'the timeline: every photo, newest first',
    );
    const months = await value('photos.months', {});
    assert.equal(
      months.reduce((s: number, m: { count: number }) => s + m.count, 0),
      set.photos.length,
    );
  },
);

test('people together: only the photos where every chosen person appears', { skip }, async () => {
  const both = await value('photos.list', { personIds: [person.anna, person.ben] });
  assert.deepEqual(ids(both.items), expected('anna', 'ben'));
  assert.equal(both.total, 1);
  const none = await value('photos.list', { personIds: [person.anna, person.cy] });
  assert.equal(none.total, 0);
  const r = await host.call('photos.list', { personIds: [999_999] });
  assert.equal(!r.ok && r.error.code, 'not-found');
});

test('photos by folder and by dates; a photo’s place in a list for the viewer', { skip }, async () => {
  const in2014 = await value('photos.list', { folder: join(folder, '2014') });
  assert.deepEqual(ids(in2014.items), expected('cy'));
  const from = Date.parse('2016-01-01T00:00:00Z');
  const to = Date.parse('2019-01-01T00:00:00Z');
  const mid = await value('photos.list', { from, to });
  assert.deepEqual(
    ids(mid.items),
    [...set.photos]
      .filter((p) => p.date >= from && p.date < to)
      .sort((a, b) => b.date - a.date)
      .map((p) => photoOf[p.file]),
  );
  const annas = expected('anna');
  const around = await value('photos.around', { personIds: [person.anna], photoId: annas[1] });
  assert.deepEqual(around, { index: 1, total: annas.length, prev: annas[0], next: annas[2] });
});

test('search: people by part of a name, two people together, folders, a month', { skip }, async () => {
  const r = await value('search.query', { q: 'ann' });
  assert.deepEqual(
    r.people.map((p: { id: number }) => p.id),
    [person.anna],
  );
  const both = await value('search.query', { q: 'anna and ben' });
  assert.deepEqual(
    both.together.map((p: { id: number }) => p.id),
    [person.anna, person.ben],
  );
  const f = await value('search.query', { q: '2014' });
  assert.ok(
    f.folders.some((x: { path: string }) => x.path === join(folder, '2014')),
    JSON.stringify(f.folders),
  );
  assert.equal(f.dates[0].label, '2014');
  const month = await value('search.query', { q: 'july 2018' });
  const m = month.dates[0];
  const inMonth = await value('photos.list', { from: m.from, to: m.to });
  assert.deepEqual(ids(inMonth.items), [photoOf['2018/anna-summer.jpg']]);
  const bad = await host.call('search.query', { q: '   ' });
  assert.equal(!bad.ok && bad.error.code, 'invalid-args');
});

test(
  'the files a door shows: a grid thumbnail, the photo itself, a JPEG of a HEIC; the source of a face',
  { skip },
  async () => {
    const jpegId = photoOf['2018/anna-summer.jpg']!;
    assert.equal(await host.photoFile(jpegId), join(folder, '2018/anna-summer.jpg'), 'a JPEG is shown as it is');
    const thumb = (await host.photoThumbFile(jpegId))!;
    assert.ok(thumb, 'a thumbnail is made');
    const meta = await sharp(readFileSync(thumb)).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok(Math.max(meta.width!, meta.height!) <= 360);
    assert.equal(await host.photoThumbFile(jpegId), thumb, 'made once, then kept');
    const photo = await value('photos.get', { photoId: jpegId });
    const source = await value('faces.source', { faceId: photo.faces[0].id });
    assert.deepEqual(source, { photoId: jpegId, path: join(folder, '2018/anna-summer.jpg') });
    if (set.heic) {
      const heicId = photoOf['2019/anna-phone.heic']!;
      const view = (await host.photoFile(heicId))!;
      assert.notEqual(view, join(folder, '2019/anna-phone.heic'), 'a browser cannot show HEIC: a JPEG copy is served');
      const v = await sharp(readFileSync(view)).metadata();
      assert.equal(v.format, 'jpeg');
      const heic = await value('photos.get', { photoId: heicId });
      assert.equal(v.width, heic.width);
      assert.equal(v.height, heic.height);
      assert.equal(heic.faces.length, 1, 'the HEIC photo’s face was found');
      assert.equal(heic.faces[0].personId, person.anna, 'and given to Anna');
      assert.equal(
        host.sourceFile(heicId),
        join(folder, '2019/anna-phone.heic'),
        'show in folder reveals the HEIC itself',
      );
    }
  },
);
