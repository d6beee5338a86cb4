// Engine (image): decodes a photo file or buffer into 8-bit sRGB RGB pixels with sharp (HEIC with libheif in WebAssembly), EXIF orientation applied.
//
// API (consumed by the importer and the vision pipeline):
//   decodeImage(pathOrBuffer, { maxPixels? }) -> { data: RGB HWC Uint8Array, width, height, orientation, takenAt? }
//   DecodeError { code: DecodeErrorCode, message }   IMAGE_EXTENSIONS: the file name endings worth trying.
// Alpha is flattened onto white, CMYK / 16-bit / grey become 8-bit sRGB, animated images give their first frame.
// [Note: decode pixel limit] The pixel count is checked from the header (sharp limitInputPixels) before any pixel
// buffer is allocated, so a 20000x20000 PNG or a decompression bomb is refused at the cost of reading its header.
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { exifOrientation, exifTakenAt } from './decode-exif.js';
import { bmffCompleteness, decodeHeifPixels, flattenRgba, heifTransformed, orientRgb } from './heic.js';
import { completeness, headerSize } from './structure.js';

export const decodeOptions = {
  /** Refuse images with more pixels than this (about 100 MP). */
  maxPixels: 100_000_000,
  /** Refuse files bigger than this before reading them (bytes). */
  maxFileBytes: 512 * 1024 * 1024,
  /** Background that transparent pixels are flattened onto. */
  background: { r: 255, g: 255, b: 255 },
};

export type DecodeErrorCode =
  'unreadable' | 'empty' | 'not-image' | 'truncated' | 'too-large' | 'unsupported' | 'decode';

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export interface DecodedImage {
  /** RGB, row-major HWC, 3 bytes per pixel, width*height*3 long. */
  data: Uint8Array;
  width: number;
  height: number;
  /** EXIF orientation of the file (1..8; 1 when absent); already applied to `data`. */
  orientation: number;
  /** Capture time from EXIF DateTimeOriginal (ms since the epoch) when present. */
  takenAt?: number;
}

/**
 * Lower-case file name endings the importer considers: every photo format it decodes (HEIC/HEIF through
 * [Note: HEIC decoding]), and formats it knows but cannot decode (BMP, JPEG XL), so that such a file is a recorded
 * failure with its reason instead of being passed over in silence.
 */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.gif',
  '.heic',
  '.heif',
  '.hif',
  '.bmp',
  '.jxl',
];

/** Does this sharp build decode HEVC-coded HEIF itself (a custom libvips)? Else heic-decode does. */
const SHARP_DECODES_HEIC = (() => {
  const heif = (sharp.format as unknown as Record<string, { input?: { fileSuffix?: string[] } }>).heif;
  return (heif?.input?.fileSuffix ?? []).some((s) => s.toLowerCase() === '.heic');
})();

type Sniffed = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heic' | 'bmp' | 'jxl' | 'unknown';

/** What the first bytes say the file is (the file name is not trusted). */
export function sniffFormat(head: Uint8Array): Sniffed {
  const ascii = (a: number, b: number) => String.fromCharCode(...head.subarray(a, b));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  if (ascii(0, 2) === 'BM') return 'bmp';
  if ((head[0] === 0xff && head[1] === 0x0a) || (ascii(4, 8) === 'JXL ' && head[3] === 0x0c)) return 'jxl';
  return 'unknown';
}

async function readInput(input: string | Uint8Array, maxFileBytes: number): Promise<Buffer> {
  if (typeof input !== 'string') return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  try {
    const st = await stat(input);
    if (st.isDirectory()) throw new DecodeError('unreadable', 'this is a folder, not a file');
    if (st.size > maxFileBytes)
      throw new DecodeError(
        'too-large',
        `the file is ${Math.round(st.size / 2 ** 20)} MB, larger than the ${Math.round(maxFileBytes / 2 ** 20)} MB limit`,
      );
    return await readFile(input);
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist (moved, deleted, or a broken link)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ELOOP'
            ? 'a symbolic link loop'
            : code === 'EISDIR'
              ? 'this is a folder, not a file'
              : `cannot read the file (${code ?? (err as Error).message})`;
    throw new DecodeError('unreadable', why);
  }
}

/** Why a decode failed, from the file's own bytes first (see [Note: bad-file classification]). */
function classify(err: unknown, buf: Uint8Array, format: Sniffed, maxPixels: number): DecodeError {
  const detail = ((err as Error).message ?? String(err)).split('\n')[0];
  const whole = format === 'heic' || format === 'avif' ? bmffCompleteness(buf) : completeness(buf, format);
  if (whole === 'truncated')
    return new DecodeError('truncated', `the ${format} file is cut short (incomplete download or copy?)`);
  const size = headerSize(buf, format);
  if (size && size.width * size.height > maxPixels)
    return new DecodeError(
      'too-large',
      `the image is ${size.width}x${size.height}, more than the ${Math.round(maxPixels / 1e6)} MP limit`,
    );
  return new DecodeError('decode', `the ${format} file is damaged and cannot be decoded (${detail})`);
}

/** The pixel count a photo's header states (JPEG, PNG, GIF), without decoding; undefined when it states none. */
export function statedPixels(buf: Uint8Array): number | undefined {
  const size = headerSize(buf, sniffFormat(buf.subarray(0, 16)));
  return size ? size.width * size.height : undefined;
}

/** Decodes a photo into RGB pixels; throws DecodeError with a code and a message a user understands. */
export async function decodeImage(
  input: string | Uint8Array,
  opts: { maxPixels?: number } = {},
): Promise<DecodedImage> {
  const maxPixels = opts.maxPixels ?? decodeOptions.maxPixels;
  const buf = await readInput(input, decodeOptions.maxFileBytes);
  if (buf.length === 0) throw new DecodeError('empty', 'the file is empty (0 bytes)');
  const format = sniffFormat(buf.subarray(0, 16));
  if (format === 'unknown')
    throw new DecodeError(
      'not-image',
      'the file is not an image (its content is not JPEG, PNG, WebP, TIFF, AVIF, HEIC or GIF)',
    );
  if (format === 'bmp')
    throw new DecodeError('unsupported', 'BMP images are not supported (convert them to PNG or JPEG)');
  if (format === 'jxl')
    throw new DecodeError('unsupported', 'JPEG XL photos are not supported yet (convert them to JPEG)');
  if (format === 'heic' && !SHARP_DECODES_HEIC) return decodeHeif(buf, maxPixels);

  // failOn 'truncated': cut-short files are refused, but the many real photos with harmless warnings still decode.
  const base = { limitInputPixels: maxPixels, failOn: 'truncated' as const, pages: 1, page: 0 };
  try {
    const meta = await sharp(buf, base).metadata();
    if (!meta.width || !meta.height) throw new DecodeError('decode', 'the image has no size in its header');
    if (meta.width * meta.height > maxPixels)
      throw new DecodeError(
        'too-large',
        `the image is ${meta.width}x${meta.height}, more than the ${Math.round(maxPixels / 1e6)} MP limit`,
      );
    const { data, info } = await sharp(buf, base)
      .rotate() // applies EXIF orientation, then drops the tag
      .flatten({ background: decodeOptions.background })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3)
      throw new DecodeError('decode', `unexpected pixel layout (${info.channels} channels)`);
    const takenAt = exifTakenAt(meta.exif);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      orientation: meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1,
      ...(takenAt !== undefined ? { takenAt } : {}),
    };
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw classify(err, buf, format, maxPixels);
  }
}

/** A HEIC/HEIF photo: header and EXIF from sharp, pixels from libheif in WebAssembly ([Note: HEIC decoding]). */
async function decodeHeif(buf: Buffer, maxPixels: number): Promise<DecodedImage> {
  if (bmffCompleteness(buf) === 'truncated')
    throw new DecodeError('truncated', 'the heic file is cut short (incomplete download or copy?)');
  try {
    const meta = await sharp(buf, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) throw new DecodeError('decode', 'the image has no size in its header');
    if (meta.width * meta.height > maxPixels)
      throw new DecodeError(
        'too-large',
        `the image is ${meta.width}x${meta.height}, more than the ${Math.round(maxPixels / 1e6)} MP limit`,
      );
    const px = await decodeHeifPixels(buf);
    if (px.width * px.height > maxPixels)
      throw new DecodeError(
        'too-large',
        `the image is ${px.width}x${px.height}, more than the ${Math.round(maxPixels / 1e6)} MP limit`,
      );
    const tag = exifOrientation(meta.exif) ?? 1;
    const upright = orientRgb(
      flattenRgba(px.data, decodeOptions.background),
      px.width,
      px.height,
      heifTransformed(buf) ? 1 : tag,
    );
    const takenAt = exifTakenAt(meta.exif);
    return { ...upright, orientation: tag, ...(takenAt !== undefined ? { takenAt } : {}) };
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw classify(err, buf, 'heic', maxPixels);
  }
}
