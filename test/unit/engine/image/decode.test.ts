// Test (unit): decodeImage on images generated in the test with sharp, and on broken files (engine/library/decode.ts).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, DecodeError, IMAGE_EXTENSIONS, sniffFormat } from '../../../../src/engine/image/decode.js';
import { exifTakenAt, parseExifDate } from '../../../../src/engine/image/decode-exif.js';
import { tempDir } from '../../../helpers/tmp.js';

const solid = (width: number, height: number, background: string | object, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

async function rejects(input: string | Uint8Array, code: string) {
  await assert.rejects(decodeImage(input), (err: unknown) => {
    assert.ok(err instanceof DecodeError, `expected a DecodeError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.length > 10);
    return true;
  });
}

/** A PNG made of a valid signature and IHDR claiming width x height, then an empty IDAT and IEND. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a JPEG decodes to RGB HWC with its size', async () => {
  const buf = await solid(40, 30, { r: 200, g: 20, b: 10 }).jpeg({ quality: 95 }).toBuffer();
  const img = await decodeImage(buf);
  assert.equal(img.width, 40);
  assert.equal(img.height, 30);
  assert.equal(img.data.length, 40 * 30 * 3);
  assert.equal(img.orientation, 1);
  assert.ok(Math.abs(img.data[0]! - 200) < 6 && img.data[1]! < 30 && img.data[2]! < 30);
  assert.equal(img.takenAt, undefined);
});

test('EXIF orientation 6 is applied (width and height swap) and reported', async () => {
  const buf = await solid(40, 20, '#ff0000').jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const img = await decodeImage(buf);
  assert.equal(img.orientation, 6);
  assert.equal(img.width, 20);
  assert.equal(img.height, 40);
});

test('EXIF DateTimeOriginal with its offset becomes takenAt', async () => {
  const buf = await solid(16, 16, '#00ff00')
    .jpeg()
    .withExif({
      IFD0: { Make: 'Test' },
      IFD2: { DateTimeOriginal: '2019:07:14 18:03:22', OffsetTimeOriginal: '+02:00' },
    })
    .toBuffer();
  const img = await decodeImage(buf);
  assert.equal(img.takenAt, Date.UTC(2019, 6, 14, 16, 3, 22));
});

test('parseExifDate: local time without offset, junk dates refused', () => {
  assert.equal(parseExifDate('2020:01:02 03:04:05'), new Date(2020, 0, 2, 3, 4, 5).getTime());
  assert.equal(parseExifDate('2020:01:02 03:04:05', '-05:30'), Date.UTC(2020, 0, 2, 8, 34, 5));
  assert.equal(parseExifDate('0000:00:00 00:00:00'), undefined);
  assert.equal(parseExifDate('yesterday'), undefined);
  assert.equal(exifTakenAt(Buffer.from('Exif\0\0garbage-garbage')), undefined);
});

test('alpha is flattened onto white; 16-bit and grey become 8-bit RGB', async () => {
  const transparent = await solid(8, 8, { r: 0, g: 0, b: 0, alpha: 0 }, 4).png().toBuffer();
  const a = await decodeImage(transparent);
  assert.deepEqual([...a.data.subarray(0, 3)], [255, 255, 255]);
  const deep = await solid(8, 8, { r: 10, g: 128, b: 250 }).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(deep).metadata()).depth, 'ushort');
  const d = await decodeImage(deep);
  assert.equal(d.data.length, 8 * 8 * 3);
  assert.ok(Math.abs(d.data[1]! - 128) <= 1);
  const grey = await solid(8, 8, '#808080').grayscale().png().toBuffer();
  const g = await decodeImage(grey);
  assert.equal(g.data.length, 8 * 8 * 3);
  assert.equal(g.data[0], g.data[1]);
});

test('CMYK JPEG becomes sRGB', async () => {
  const cmyk = await solid(8, 8, '#336699').toColourspace('cmyk').jpeg().toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const img = await decodeImage(cmyk);
  assert.equal(img.data.length, 8 * 8 * 3);
  assert.ok(img.data[2]! > img.data[0]!, 'blue stays bluer than red');
});

test('WebP, TIFF, AVIF decode; an animated GIF gives its first frame', async () => {
  for (const fmt of ['webp', 'tiff', 'avif'] as const) {
    const buf = await solid(16, 12, '#0000ff').toFormat(fmt).toBuffer();
    const img = await decodeImage(buf);
    assert.equal(img.width, 16, fmt);
    assert.equal(img.height, 12, fmt);
  }
  const red = await solid(8, 8, '#ff0000').png().toBuffer();
  const blue = await solid(8, 8, '#0000ff').png().toBuffer();
  const gif = await sharp([red, blue], { join: { animated: true } })
    .gif()
    .toBuffer();
  const img = await decodeImage(gif);
  assert.equal(img.height, 8, 'one frame, not a strip of frames');
  assert.ok(img.data[0]! > 200 && img.data[2]! < 50, 'the first frame (red)');
});

test('broken input: truncated, empty, text named .jpg, missing, folder, broken symlink', async () => {
  const dir = tempDir();
  const jpg = await solid(300, 200, '#884422').jpeg().toBuffer();
  writeFileSync(join(dir, 'cut.jpg'), jpg.subarray(0, jpg.length >> 1));
  writeFileSync(join(dir, 'zero.jpg'), Buffer.alloc(0));
  writeFileSync(join(dir, 'text.jpg'), 'this is not a photo, just text\n');
  mkdirSync(join(dir, 'folder.jpg'));
  symlinkSync(join(dir, 'nowhere.jpg'), join(dir, 'broken.jpg'));
  await rejects(join(dir, 'cut.jpg'), 'truncated');
  await rejects(join(dir, 'zero.jpg'), 'empty');
  await rejects(join(dir, 'text.jpg'), 'not-image');
  await rejects(join(dir, 'missing.jpg'), 'unreadable');
  await rejects(join(dir, 'folder.jpg'), 'unreadable');
  await rejects(join(dir, 'broken.jpg'), 'unreadable');
});

test('a 20000x20000 PNG header is refused as too large without allocating its pixels', async () => {
  const before = process.memoryUsage().rss;
  await rejects(pngHeader(20000, 20000), 'too-large');
  assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20, 'did not allocate 1.2 GB of pixels');
  // The limit is an option: a modest image over a small limit is refused too.
  const small = await solid(100, 100, '#123456').png().toBuffer();
  await assert.rejects(
    decodeImage(small, { maxPixels: 5000 }),
    (e: unknown) => e instanceof DecodeError && e.code === 'too-large',
  );
});

test('a HEIF box with nothing decodable inside is damaged; a BMP is unsupported', async () => {
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(40)]);
  assert.equal(sniffFormat(heic), 'heic');
  await rejects(heic, 'decode');
  await rejects(Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60)]), 'unsupported');
});

test('IMAGE_EXTENSIONS lists the formats the importer should try', () => {
  for (const e of ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif'])
    assert.ok(IMAGE_EXTENSIONS.includes(e), e);
  assert.ok(IMAGE_EXTENSIONS.every((e) => e.startsWith('.') && e === e.toLowerCase()));
});
