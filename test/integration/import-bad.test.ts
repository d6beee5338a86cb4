// Integration tests (engine import, real models): bad input gets a recorded reason, the rest imports, the database stays consistent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { Engine } from '../../src/engine/api/engine.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'wild');

/** A valid PNG whose header claims `w` x `h` pixels (a pixel bomb: refused from the header, never allocated). */
async function pngClaiming(w: number, h: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } })
    .png()
    .toBuffer();
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29); // IHDR's CRC covers its type and data
  return png;
}

const wild = (f: string) => readFileSync(dataPath('fixtures', 'wild', f)!);
const isRoot = process.getuid?.() === 0;

test('every kind of bad file is recorded with its reason while the good photos import', { skip }, async () => {
  const dir = join(tempDir(), 'photos');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'gone'));
  const good = wild('person01/img1.jpg');
  writeFileSync(join(dir, 'good.jpg'), good);
  writeFileSync(join(dir, 'café 😀.jpg'), wild('person02/img3.jpg'));
  writeFileSync(join(dir, 'two\nlines.jpg'), wild('person05/img16.jpg'));
  writeFileSync(
    Buffer.from([...Buffer.from(`${dir}/raw-`), 0xff, 0xfe, ...Buffer.from('.jpg')]),
    wild('person07/img20.jpg'),
  );
  writeFileSync(join(dir, 'gone', 'x.jpg'), wild('person08/img22.jpg'));
  writeFileSync(join(dir, 'truncated.jpg'), good.subarray(0, Math.floor(good.length * 0.4)));
  writeFileSync(join(dir, 'empty.jpg'), '');
  writeFileSync(join(dir, 'text.jpg'), 'this is not a photo\n');
  writeFileSync(join(dir, 'huge.png'), await pngClaiming(20000, 20000));
  writeFileSync(join(dir, 'locked.jpg'), wild('person02/img12.jpg'));
  chmodSync(join(dir, 'locked.jpg'), 0);
  execFileSync('mkfifo', [join(dir, 'fifo.jpg')]); // fails for root too
  symlinkSync(join(dir, 'nowhere.jpg'), join(dir, 'broken.jpg'));
  symlinkSync('self.jpg', join(dir, 'self.jpg'));
  symlinkSync('..', join(dir, 'sub', 'up'));
  // Camera RAW ([Note: camera RAW]): never read; passed over beside its shot's JPEG, a failure alone.
  writeFileSync(join(dir, 'good.CR2'), 'II*\0 raw sensor data');
  writeFileSync(join(dir, 'IMG_7.NEF'), 'MM\0* raw sensor data');

  const engine = Engine.open(join(tempDir(), 'library.db'), { importWorkers: 2 });
  try {
    const s = await engine.library.importFolders([dir], {
      hooks: { beforeReadDir: (p) => void (p.endsWith('/gone') && rmSync(p, { recursive: true })) },
    });
    const codes = Object.fromEntries(s.failures.map((f) => [f.path.slice(dir.length + 1), f.code]));
    const expected: Record<string, string> = {
      'truncated.jpg': 'truncated',
      'empty.jpg': 'empty',
      'text.jpg': 'not-image',
      'huge.png': 'too-large',
      'fifo.jpg': 'not-a-file',
      'broken.jpg': 'broken-link',
      'self.jpg': 'symlink-loop',
      'sub/up': 'symlink-loop',
      gone: 'vanished',
      'IMG_7.NEF': 'unsupported',
      ...(isRoot ? {} : { 'locked.jpg': 'unreadable' }),
    };
    assert.deepEqual(codes, expected);
    for (const f of s.failures) assert.ok(f.reason.length > 10, `a reason a user can read: ${f.reason}`);
    assert.equal(
      s.added,
      isRoot ? 5 : 4,
      'good.jpg, the unicode, newline and invalid UTF-8 names (and locked.jpg as root)',
    );
    const paths = (engine.db.prepare('SELECT path FROM files ORDER BY path').all() as { path: string }[]).map((r) =>
      r.path.slice(dir.length + 1),
    );
    assert.ok(
      paths.includes('café 😀.jpg') && paths.includes('two\nlines.jpg') && paths.includes('raw-\\xff\\xfe.jpg'),
      JSON.stringify(paths),
    );
    assert.equal(engine.db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(engine.db.pragma('foreign_key_check'), []);
    assert.equal(engine.library.stats().failures, Object.keys(expected).length);

    assert.match(s.failures.find((f) => f.path.endsWith('IMG_7.NEF'))!.reason, /camera RAW file \(NEF\)/);

    // Unchanged bad files are not retried, and are still listed; a fixed one imports and its failure is gone, as
    // is the RAW's once a JPEG of its shot sits beside it.
    writeFileSync(join(dir, 'text.jpg'), wild('person08/img23.jpg'));
    writeFileSync(join(dir, 'img_7.jpg'), wild('person05/img17.jpg'));
    const again = await engine.library.importFolders([dir]);
    assert.equal(again.added, 2);
    assert.deepEqual(
      again.failures.map((f) => f.path.slice(dir.length + 1)).sort(),
      Object.keys(expected)
        .filter((k) => k !== 'text.jpg' && k !== 'gone' && k !== 'IMG_7.NEF')
        .sort(),
    );
  } finally {
    chmodSync(join(dir, 'locked.jpg'), 0o644);
    await engine.close();
  }
});
