// Integration test (attack suite, finding 5): import stays inside the folders the user added, and never takes in the library's own data folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BIN } from '../helpers/built.js';
import { skipUnlessServable, startServe, wildPhotos } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable();

const importCli = (folder: string, dbPath: string) =>
  spawnSync(process.execPath, [BIN, 'import', folder, '--db', dbPath], { encoding: 'utf8' });

function rows<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('finding 5: import stays inside the added folders', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-import-');

  test('symlinks that leave the folder are recorded as skipped with the reason; their faces are never served', async () => {
    const [a, b, c] = wildPhotos(3);
    const photos = join(dir, 's', 'photos');
    const elsewhere = join(dir, 's', 'elsewhere');
    mkdirSync(join(photos, 'sub'), { recursive: true });
    mkdirSync(elsewhere);
    copyFileSync(a!, join(photos, 'inside.jpg'));
    copyFileSync(b!, join(elsewhere, 'private.jpg'));
    copyFileSync(c!, join(elsewhere, 'private2.jpg'));
    symlinkSync(join(elsewhere, 'private.jpg'), join(photos, 'outside.jpg')); // a file link out
    symlinkSync(elsewhere, join(photos, 'outside-dir')); // a folder link out
    symlinkSync(join(photos, 'inside.jpg'), join(photos, 'sub', 'inside-link.jpg')); // a link that stays inside
    const dbPath = join(dir, 's', 'lib', 'library.db');
    const r = importCli(photos, dbPath);
    assert.equal(r.status, 0, r.stderr);
    const files = rows<{ path: string }>(dbPath, 'SELECT path FROM files ORDER BY path').map((x) => x.path);
    assert.deepEqual(files, [join(photos, 'inside.jpg'), join(photos, 'sub', 'inside-link.jpg')]);
    const failures = rows<{ path: string; code: string; reason: string }>(dbPath, 'SELECT * FROM failures');
    for (const p of ['outside.jpg', 'outside-dir']) {
      const f = failures.find((x) => x.path === join(photos, p));
      assert.ok(f, `${p} recorded: ${JSON.stringify(failures)}`);
      assert.equal(f.code, 'outside');
      assert.match(f.reason, /outside the folder/);
    }
    // Every face the library serves comes from a photo inside the folder.
    const faces = rows<{ id: number }>(dbPath, 'SELECT id FROM faces');
    const s = await startServe(dbPath);
    after(() => s.stop('SIGKILL'));
    for (const { id } of faces) assert.equal((await s.media(`/thumb/${id}`)).status, 200);
    assert.ok(faces.length >= 1);
    assert.equal(rows<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM photos')[0]!.n, 1, 'one photo: the one inside');
  });

  test("the library's own data folder is refused when added, and skipped inside an added folder", () => {
    const root = join(dir, 'd');
    mkdirSync(join(root, 'photos'), { recursive: true });
    wildPhotos(2).forEach((p, i) => copyFileSync(p, join(root, 'photos', `p${i}.jpg`)));
    const dbPath = join(root, 'lib', 'library.db');
    assert.equal(importCli(join(root, 'photos'), dbPath).status, 0);
    const photosAt = () => rows<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM photos')[0]!.n;
    assert.equal(photosAt(), 2);

    for (const data of [join(root, 'lib'), join(root, 'lib', 'thumbs')]) {
      const r = importCli(data, dbPath);
      assert.notEqual(r.status, 0, `adding ${data} must be refused:\n${r.stdout}`);
      assert.match(r.stderr, /Facelens's own data folder/);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'a clear error, not a stack trace');
    }
    assert.equal(
      rows<{ path: string }>(dbPath, 'SELECT path FROM folders').length,
      1,
      'the refused folders were not added',
    );
    // The folder holding both the photos and the library: the library's thumbnails are skipped, again and again.
    for (let run = 0; run < 2; run++) {
      const r = importCli(root, dbPath);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(photosAt(), 2, `run ${run}: no thumbnail became a photo`);
    }
    const f = rows<{ path: string; code: string }>(dbPath, 'SELECT path, code FROM failures');
    assert.deepEqual(f, [{ path: join(root, 'lib', 'thumbs'), code: 'library-data' }]);
  });
});
