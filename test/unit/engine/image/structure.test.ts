// Test (unit): container walks that tell a whole image file from a cut-short one, on images made here with sharp (engine/library/structure.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { completeness, headerSize } from '../../../../src/engine/image/structure.js';
import { decodeImage, DecodeError } from '../../../../src/engine/image/decode.js';

/** A noisy picture, so the compressed data is long and has many 0xFF bytes in the JPEG scan. */
async function noisy(width = 96, height = 64) {
  const raw = Buffer.alloc(width * height * 3);
  let s = 7;
  for (let i = 0; i < raw.length; i++) raw[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

const formats = {
  jpeg: async () => (await noisy()).jpeg({ quality: 90 }).withMetadata({ orientation: 3 }).toBuffer(),
  'progressive jpeg': async () => (await noisy()).jpeg({ progressive: true }).toBuffer(),
  png: async () => (await noisy()).png().toBuffer(),
  webp: async () => (await noisy()).webp().toBuffer(),
  gif: async () => (await noisy()).gif().toBuffer(),
};
const kindOf = (name: string) => (name.includes('jpeg') ? 'jpeg' : name);

for (const [name, make] of Object.entries(formats)) {
  test(`${name}: whole is complete; every cut is truncated`, async () => {
    const buf = await make();
    const kind = kindOf(name);
    assert.equal(completeness(buf, kind), 'complete');
    for (const frac of [0.1, 0.3, 0.5, 0.7, 0.9, 0.99]) {
      const cut = buf.subarray(0, Math.floor(buf.length * frac));
      assert.equal(completeness(cut, kind), 'truncated', `${name} cut at ${frac}`);
    }
  });
}

test('bytes after a JPEG end marker (motion-photo trailers) keep it complete', async () => {
  const buf = await formats.jpeg();
  assert.equal(completeness(Buffer.concat([buf, Buffer.from('ftypmp42 and a video follows')]), 'jpeg'), 'complete');
});

test('a JPEG whose EXIF thumbnail has its own end marker is still truncated when the main image is cut', async () => {
  const thumb = await (await noisy(16, 16)).jpeg().toBuffer();
  const buf = await formats.jpeg();
  // An APP1 segment holding a whole JPEG (with its EOI) before the main image's frame.
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.alloc(2), thumb]);
  app1.writeUInt16BE(thumb.length + 2, 2);
  const withThumb = Buffer.concat([buf.subarray(0, 2), app1, buf.subarray(2)]);
  assert.equal(completeness(withThumb, 'jpeg'), 'complete');
  assert.equal(completeness(withThumb.subarray(0, withThumb.length - 200), 'jpeg'), 'truncated');
});

test('header sizes are read without decoding', async () => {
  const jpeg = await (await noisy(96, 64)).jpeg().toBuffer();
  const png = await (await noisy(96, 64)).png().toBuffer();
  assert.deepEqual(headerSize(jpeg, 'jpeg'), { width: 96, height: 64 });
  assert.deepEqual(headerSize(png, 'png'), { width: 96, height: 64 });
});

test('a cut-short photo is called truncated however many decodes fail at once', async () => {
  const bufs = await Promise.all([formats.jpeg(), formats.png(), formats['progressive jpeg'](), formats.webp()]);
  // Many concurrent failing decodes of different kinds: each reason must come from its own file.
  const inputs = bufs.flatMap((b) => [
    b.subarray(0, Math.floor(b.length * 0.4)),
    Buffer.concat([b.subarray(0, 30), Buffer.alloc(400, 0x41)]),
  ]);
  const results = await Promise.all(
    Array.from({ length: 6 }, () => inputs)
      .flat()
      .map((b) =>
        decodeImage(b).then(
          () => 'decoded',
          (e: DecodeError) => e.code,
        ),
      ),
  );
  results.forEach((code, i) => {
    const cut = i % 2 === 0;
    if (cut) assert.equal(code, 'truncated', `input ${i}`);
    else assert.ok(code === 'truncated' || code === 'decode', `input ${i}: ${code}`);
  });
});
