// Integration test (CLI door, real models): `facelens import` of a folder of iPhone-style HEIC photos made by heif-enc finds their faces and dates; a JPEG of the same shot beside one is not a second photo.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { openDb } from '../../src/engine/store/db.js';
import * as views from '../../src/engine/store/views.js';
import { BIN, skipUnlessBuilt } from '../helpers/built.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { makeHeic, skipUnlessHeifEnc } from '../helpers/heic.js';
import { tempDir } from '../helpers/tmp.js';

test(
  'facelens import reads HEIC photos: their faces, their EXIF dates, one person; a JPEG of the same shot joins its photo',
  {
    skip: skipUnlessHeifEnc() || skipUnlessData('fixtures', 'wild', 'person04') || skipUnlessBuilt(),
    timeout: 180_000,
  },
  async () => {
    const dir = tempDir();
    const folder = join(dir, 'iphone');
    mkdirSync(folder);
    const src = ['img13.jpg', 'img14.jpg', 'img15.jpg'];
    const dates = ['2023:01:05 10:00:00', '2023:02:06 11:30:00', '2023:03:07 12:45:00'];
    for (const [i, f] of src.entries()) {
      const jpeg = join(dir, `src-${i}.jpg`); // outside the imported folder
      writeFileSync(
        jpeg,
        await sharp(dataPath('fixtures', 'wild', 'person04', f)!)
          .withExif({ IFD2: { DateTimeOriginal: dates[i]!, OffsetTimeOriginal: '-05:00' } })
          .jpeg({ quality: 92 })
          .toBuffer(),
      );
      makeHeic(jpeg, join(folder, `IMG_${1000 + i}.HEIC`));
    }
    // [Note: one shot in two files] The first shot also saved as a JPEG beside it (its date and shape the same):
    // one photo with two files. The second shot's JPEG carries no date, so nothing says it is the same shot.
    copyFileSync(join(dir, 'src-0.jpg'), join(folder, 'IMG_1000.JPG'));
    await sharp(join(dir, 'src-1.jpg')).jpeg({ quality: 92 }).toFile(join(folder, 'IMG_1001.jpg'));
    const db = join(dir, 'library.db');
    const r = spawnSync(process.execPath, [BIN, 'import', folder, '--db', db, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(s.failures, []);
    assert.equal(s.added, 4, 'three HEIC photos and the JPEG with no date');
    assert.equal(s.linked, 1, 'the JPEG of the first shot joins its HEIC');
    assert.equal(s.facesFound, 4, 'one face in each photo');
    assert.equal(s.assigned.newPeople, 1, 'the faces are one person');
    const again = spawnSync(process.execPath, [BIN, 'import', folder, '--db', db, '--json'], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    const s2 = JSON.parse(again.stdout);
    assert.deepEqual(
      [s2.added, s2.linked, s2.removed, s2.unchanged],
      [0, 0, 0, 5],
      'a rescan keeps the two files one photo',
    );

    const lib = openDb(db, { readonly: true });
    try {
      const page = views.photoPage(lib, {}, 0, 10);
      const got = page.items.map((p) => {
        const photo = views.photo(lib, p.id, 0.3)!;
        return [photo.files.map((f) => f.split('/').pop()).join(' + '), p.date, p.dateSource];
      });
      assert.deepEqual(got.slice(1), [
        ['IMG_1002.HEIC', Date.UTC(2023, 2, 7, 17, 45), 'exif'],
        ['IMG_1001.HEIC', Date.UTC(2023, 1, 6, 16, 30), 'exif'],
        ['IMG_1000.HEIC + IMG_1000.JPG', Date.UTC(2023, 0, 5, 15, 0), 'exif'],
      ]);
      assert.equal(got[0]![0], 'IMG_1001.jpg', 'the undated JPEG is a photo of its own, dated by its file');
      assert.equal(got[0]![2], 'file');
    } finally {
      lib.close();
    }
  },
);
