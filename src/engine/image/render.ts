// Engine (image): a photo as a JPEG a browser can show (a grid thumbnail, or the viewer's copy of a HEIC/TIFF), upright, from the file's bytes.
import sharp from 'sharp';
import { decodeImage, decodeOptions, DecodeError, sniffFormat } from './decode.js';

/** Photo formats the app decodes that browsers do not show: the viewer gets a JPEG of these. */
const NOT_SHOWN = new Set(['heic', 'tiff']);

/** Must the viewer get a JPEG copy of this file (HEIC, TIFF) rather than the file itself? */
export function needsRendition(head: Uint8Array): boolean {
  return NOT_SHOWN.has(sniffFormat(head.subarray(0, 16)));
}

/**
 * The photo in `bytes` as a JPEG whose longer side is at most `maxSide`, upright (EXIF orientation applied). JPEG
 * and PNG go straight through sharp (a JPEG shrinks while it loads, so a grid thumbnail of a 12 MP photo costs a
 * fraction of a full decode); HEIC is decoded first ([Note: HEIC decoding]). Throws DecodeError as decodeImage does.
 */
export async function renderJpeg(bytes: Buffer, o: { maxSide: number; quality: number }): Promise<Buffer> {
  const format = sniffFormat(bytes.subarray(0, 16));
  const resize = { width: o.maxSide, height: o.maxSide, fit: 'inside' as const, withoutEnlargement: true };
  if (format === 'heic') {
    const img = await decodeImage(bytes);
    return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(resize)
      .jpeg({ quality: o.quality })
      .toBuffer();
  }
  try {
    return await sharp(bytes, { limitInputPixels: decodeOptions.maxPixels, failOn: 'truncated', pages: 1, page: 0 })
      .rotate()
      .resize(resize)
      .flatten({ background: decodeOptions.background })
      .jpeg({ quality: o.quality })
      .toBuffer();
  } catch {
    // Say why in the decoder's own words (cut short, too large, not an image, damaged).
    await decodeImage(bytes);
    throw new DecodeError('decode', 'the photo could not be rendered');
  }
}
