// Integration tests (hostile input): a corpus of damaged and odd files, and a seeded bit-flip fuzz run, through the real import.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { rng } from '../../src/engine/cluster/synthetic.js';
import { Engine } from '../../src/engine/api/engine.js';
import { DecodeError, decodeImage } from '../../src/engine/image/decode.js';
import { openDb } from '../../src/engine/store/db.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'wild');
const FUZZ = {
  seed: 6,
  /** Mutants made and decoded; the run also stops at `seconds`, whichever comes first. */
  mutants: 240,
  seconds: 60,
};

let visions: FacePipeline[] = [];
before(async () => {
  if (!skip) visions = await Promise.all([FacePipeline.load(), FacePipeline.load()]);
});
after(async () => Promise.all(visions.map((v) => v.dispose())));

function flipBits(bytes: Buffer, flips: number, random: () => number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * out.length);
    out[at]! ^= 1 << Math.floor(random() * 8);
  }
  return out;
}

/** A real 30000 x 30000 PNG: a few kilobytes of deflated zeros that would inflate to 2.7 GB of pixels. */
function pixelBomb(side: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = 200; // only the first rows are stored: the decoder must refuse from the header alone
  const raw = Buffer.alloc(rows * (side + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const wild = (f: string) => readFileSync(dataPath('fixtures', 'wild', f)!);

describe('hostile input', { skip }, () => {
  test('the corpus: each odd file imports or is recorded with a reason, the rest imports, nothing crashes', async () => {
    const root = tempDir();
    const dir = join(root, 'photos');
    mkdirSync(dir);
    const jpeg = wild('person01/img1.jpg');
    const random = rng(1);
    const face = sharp(wild('person02/img3.jpg'));
    const png = await face.clone().png().toBuffer();
    const webp = await face.clone().webp().toBuffer();
    writeFileSync(join(dir, 'good.jpg'), jpeg);
    writeFileSync(join(dir, 'flipped.jpg'), flipBits(jpeg, 40, random));
    writeFileSync(join(dir, 'flipped.png'), flipBits(png, 40, random));
    writeFileSync(join(dir, 'flipped.webp'), flipBits(webp, 40, random));
    writeFileSync(join(dir, 'truncated.webp'), webp.subarray(0, webp.length >> 1));
    writeFileSync(join(dir, 'program.jpg'), readFileSync(process.execPath).subarray(0, 1 << 20));
    writeFileSync(join(dir, 'bomb.png'), pixelBomb(30000));
    writeFileSync(
      join(dir, 'one-pixel.png'),
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#777' } })
        .png()
        .toBuffer(),
    );
    writeFileSync(join(dir, 'cmyk.jpg'), await face.clone().toColourspace('cmyk').jpeg().toBuffer());
    writeFileSync(join(dir, 'sixteen-bit.png'), await face.clone().toColourspace('rgb16').png().toBuffer());
    const frames = await Promise.all(
      ['person05/img16.jpg', 'person07/img20.jpg'].map((f) => sharp(wild(f)).resize(320, 320).png().toBuffer()),
    );
    writeFileSync(
      join(dir, 'animated.gif'),
      await sharp(frames, { join: { animated: true } })
        .gif()
        .toBuffer(),
    );

    // A file rewritten in place, again and again, while the import runs.
    const versions = [wild('person08/img22.jpg'), wild('person09/img24.jpg')];
    writeFileSync(join(dir, 'flux.jpg'), versions[0]!);
    let v = 0;
    const writer = setInterval(() => writeFileSync(join(dir, 'flux.jpg'), versions[++v % 2]!), 3);

    const dbPath = join(root, 'library.db');
    const engine = Engine.open(dbPath, { loadVision: async (lane) => visions[lane]! });
    let summary;
    try {
      summary = await engine.library.importFolders([dir]);
    } finally {
      clearInterval(writer);
      await engine.close();
    }
    const failed = Object.fromEntries(summary.failures.map((f) => [f.path.slice(dir.length + 1), f]));
    for (const bad of ['program.jpg', 'bomb.png']) assert.ok(failed[bad], `${bad} must be refused`);
    assert.equal(failed['bomb.png']!.code, 'too-large');
    for (const f of summary.failures)
      assert.ok(f.reason.length > 10, `a reason a user can read for ${f.path}: '${f.reason}'`);
    // Odd but valid images import: CMYK and 16-bit are converted, a GIF gives its first frame, 1x1 simply has no face.
    for (const ok of ['good.jpg', 'cmyk.jpg', 'sixteen-bit.png', 'animated.gif', 'one-pixel.png'])
      assert.equal(failed[ok], undefined, `${ok}: ${failed[ok]?.reason}`);

    const db = openDb(dbPath);
    try {
      const faces = (p: string) =>
        (
          db
            .prepare('SELECT count(*) AS n FROM faces f JOIN files fi ON fi.photo_id = f.photo_id WHERE fi.path = ?')
            .get(join(dir, p)) as { n: number }
        ).n;
      assert.ok(faces('good.jpg') >= 1);
      assert.ok(faces('cmyk.jpg') >= 1, 'a CMYK JPEG is read in the right colours and its face found');
      assert.ok(faces('sixteen-bit.png') >= 1);
      assert.ok(faces('animated.gif') >= 1, "the first frame's face");
      assert.equal(faces('one-pixel.png'), 0);
      // Every file is either a photo or a failure, never both, never neither.
      const listed = readdirSync(dir).length;
      const photos = (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
      const failures = (db.prepare('SELECT count(*) AS n FROM failures').get() as { n: number }).n;
      assert.equal(photos + failures, listed);
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      db.close();
    }
  });

  test(`seeded fuzz: bit flips and cuts in real photos only ever give an image or a DecodeError (${FUZZ.mutants} mutants, at most ${FUZZ.seconds} s)`, async () => {
    const random = rng(FUZZ.seed);
    const root = dataPath('fixtures', 'wild')!;
    const sources = readdirSync(root)
      .filter((d) => d.startsWith('person'))
      .flatMap((d) => readdirSync(join(root, d)).map((f) => readFileSync(join(root, d, f))));
    const pngs = await Promise.all(sources.slice(0, 4).map((b) => sharp(b).resize(200).png().toBuffer()));
    const pool = [...sources, ...pngs];
    const deadline = Date.now() + FUZZ.seconds * 1000;
    const seen = { decoded: 0, refused: 0, analysed: 0 };
    const folder = join(tempDir(), 'mutants');
    mkdirSync(folder);
    let made = 0;
    for (; made < FUZZ.mutants && Date.now() < deadline; made++) {
      const src = pool[Math.floor(random() * pool.length)]!;
      const cut = random() < 0.25;
      const bytes = cut
        ? src.subarray(0, Math.floor(random() * src.length))
        : flipBits(src, 1 + Math.floor(random() * 64), random);
      if (made < 40) writeFileSync(join(folder, `m${made}.${src[0] === 0x89 ? 'png' : 'jpg'}`), bytes);
      try {
        const img = await decodeImage(bytes);
        seen.decoded++;
        assert.equal(img.data.length, img.width * img.height * 3);
        if (made % 8 === 0) {
          await visions[0]!.analyze(img);
          seen.analysed++;
        }
      } catch (err) {
        assert.ok(
          err instanceof DecodeError,
          `mutant ${made} (seed ${FUZZ.seed}) threw ${(err as Error).name}: ${(err as Error).message}`,
        );
        seen.refused++;
      }
    }
    assert.ok(made >= 40, `only ${made} mutants in ${FUZZ.seconds} s`);
    assert.ok(seen.decoded > 0 && seen.refused > 0, JSON.stringify(seen));

    // And a folder of them imports to the end: each one a photo or a recorded failure.
    const dbPath = join(tempDir(), 'fuzz.db');
    const engine = Engine.open(dbPath, { loadVision: async (lane) => visions[lane]! });
    try {
      const s = await engine.library.importFolders([folder]);
      assert.equal(s.status, 'complete');
    } finally {
      await engine.close();
    }
    const db = openDb(dbPath);
    const n = (
      db.prepare('SELECT (SELECT count(*) FROM files) + (SELECT count(*) FROM failures) AS n').get() as { n: number }
    ).n;
    db.close();
    assert.equal(n, readdirSync(folder).length);
  });
});
