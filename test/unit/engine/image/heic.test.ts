// Test (unit, engine/image): HEIC photos made by heif-enc decode with their size, EXIF date and orientation; broken ones fail with a reason.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, DecodeError, IMAGE_EXTENSIONS, sniffFormat } from '../../../../src/engine/image/decode.js';
import { bmffCompleteness, heifTransformed, orientRgb } from '../../../../src/engine/image/heic.js';
import { dataPath, skipUnlessData } from '../../../helpers/data.js';
import { makeHeic, skipUnlessHeifEnc } from '../../../helpers/heic.js';
import { tempDir } from '../../../helpers/tmp.js';

const photo = () => dataPath('fixtures', 'wild', 'person01', 'img1.jpg')!;
const skip = skipUnlessHeifEnc() || skipUnlessData('fixtures', 'wild', 'person01', 'img1.jpg');

/** Mean absolute difference of two RGB buffers of one size. */
function meanDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

test('a HEIC made by heif-enc from a real photo decodes to its pixels with its EXIF date', { skip }, async () => {
  const dir = tempDir();
  const jpeg = await sharp(photo())
    .withExif({ IFD2: { DateTimeOriginal: '2019:07:14 18:03:22', OffsetTimeOriginal: '+02:00' } })
    .jpeg({ quality: 95 })
    .toBuffer();
  const heic = makeHeic(jpeg, join(dir, 'photo.heic'));
  const bytes = readFileSync(heic);
  assert.equal(sniffFormat(bytes.subarray(0, 16)), 'heic');
  assert.equal(heifTransformed(bytes), false, 'heif-enc 1.15 writes no irot: the EXIF tag carries the orientation');
  const fromHeic = await decodeImage(heic);
  const fromJpeg = await decodeImage(jpeg);
  assert.equal(fromHeic.width, fromJpeg.width);
  assert.equal(fromHeic.height, fromJpeg.height);
  assert.equal(fromHeic.data.length, fromHeic.width * fromHeic.height * 3);
  assert.equal(fromHeic.takenAt, Date.UTC(2019, 6, 14, 16, 3, 22));
  assert.equal(fromHeic.orientation, 1);
  const d = meanDiff(fromHeic.data, fromJpeg.data);
  assert.ok(d < 12, `the HEIC shows the same photo (mean difference ${d.toFixed(1)} of 255)`);
  // A differently-coloured image would be far off: the comparison can fail.
  assert.ok(meanDiff(fromHeic.data, new Uint8Array(fromHeic.data.length).fill(128)) > 20);
});

test('a HEIC whose EXIF says orientation 6 is turned upright, as the same JPEG is', { skip }, async () => {
  const dir = tempDir();
  // Stored sideways with the tag saying so (as a camera writes it): the pixels are not turned, the tag is set.
  const jpeg = await sharp(photo()).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const heic = makeHeic(jpeg, join(dir, 'sideways.heic'));
  const fromHeic = await decodeImage(heic);
  const fromJpeg = await decodeImage(jpeg);
  assert.equal(fromHeic.orientation, 6);
  assert.equal(fromJpeg.orientation, 6);
  const stored = await sharp(jpeg).metadata();
  assert.equal(fromHeic.width, stored.height, 'width and height swap');
  assert.equal(fromHeic.height, stored.width);
  const d = meanDiff(fromHeic.data, fromJpeg.data);
  assert.ok(d < 12, `upright like the JPEG (mean difference ${d.toFixed(1)})`);
});

test('orientRgb turns pixels as sharp turns the same EXIF orientation, for all eight', async () => {
  const w = 5;
  const h = 3;
  const raw = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 251);
  for (let o = 1; o <= 8; o++) {
    // Lossless WebP carries the EXIF tag; decodeImage (sharp .rotate()) applies it.
    const webp = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .webp({ lossless: true })
      .withMetadata({ orientation: o })
      .toBuffer();
    const bySharp = await decodeImage(webp);
    const ours = orientRgb(raw, w, h, o);
    assert.equal(ours.width, bySharp.width, `orientation ${o}: width`);
    assert.equal(ours.height, bySharp.height, `orientation ${o}: height`);
    assert.deepEqual([...ours.data], [...bySharp.data], `orientation ${o}: pixels`);
  }
});

test('the container rotation (irot) is recognised; libheif applies it, so the EXIF tag is not applied again', () => {
  const box = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));
  const withProps = (props: Buffer) =>
    Buffer.concat([
      ftyp,
      box('meta', Buffer.concat([Buffer.alloc(4), box('iprp', box('ipco', props))])),
      box('mdat', Buffer.alloc(16)),
    ]);
  const ispe = box('ispe', Buffer.alloc(12));
  assert.equal(heifTransformed(withProps(Buffer.concat([ispe, box('irot', Buffer.from([1]))]))), true);
  assert.equal(heifTransformed(withProps(Buffer.concat([ispe, box('imir', Buffer.from([0]))]))), true);
  assert.equal(heifTransformed(withProps(Buffer.concat([ispe, box('irot', Buffer.from([0]))]))), false, 'irot 0');
  assert.equal(heifTransformed(withProps(ispe)), false);
  assert.equal(bmffCompleteness(withProps(ispe)), 'complete');
  assert.equal(bmffCompleteness(withProps(ispe).subarray(0, 60)), 'truncated');
});

test(
  'a HEIC cut short is truncated; over the pixel limit is too large; garbage in a HEIF box is damaged',
  { skip },
  async () => {
    const dir = tempDir();
    const bytes = readFileSync(makeHeic(photo(), join(dir, 'whole.heic')));
    const check = async (input: Uint8Array, code: string, opts = {}) =>
      assert.rejects(decodeImage(input, opts), (e: unknown) => {
        assert.ok(e instanceof DecodeError, String(e));
        assert.equal(e.code, code, e.message);
        return true;
      });
    await check(bytes.subarray(0, Math.floor(bytes.length * 0.6)), 'truncated');
    await check(bytes, 'too-large', { maxPixels: 10_000 });
    const junk = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(40)]);
    await check(junk, 'decode');
    writeFileSync(join(dir, 'renamed.jpg'), bytes); // a HEIC with a .jpg name: the bytes decide
    assert.equal((await decodeImage(join(dir, 'renamed.jpg'))).width > 0, true);
  },
);

test('HEIC, HEIF, BMP and JPEG XL files are considered by the importer; BMP and JPEG XL fail saying so', async () => {
  for (const e of ['.heic', '.heif', '.hif', '.bmp', '.jxl']) assert.ok(IMAGE_EXTENSIONS.includes(e), e);
  for (const [bytes, what] of [
    [Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60)]), /BMP/],
    [Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.alloc(60)]), /JPEG XL/],
  ] as const)
    await assert.rejects(decodeImage(bytes), (e: unknown) => {
      assert.ok(e instanceof DecodeError && e.code === 'unsupported', String(e));
      assert.match(e.message, what);
      return true;
    });
});
