// Engine (image): HEIC/HEIF photos (iPhones' format) decoded by libheif in WebAssembly (heic-decode), where sharp's prebuilt libvips has no HEVC decoder.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- heic-decode ships no types: they live beside this file, for every tsconfig that reaches it
/// <reference path="./heic-decode.d.ts" />

/**
 * [Note: HEIC decoding] sharp's prebuilt libvips carries libheif with the AV1 decoder only (AVIF), so an iPhone's
 * HEIC (HEVC inside HEIF) is read in three steps:
 * - the header and the EXIF block come from sharp's `metadata()`, which parses the HEIF container without decoding
 *   (size before any pixel is allocated, [Note: decode pixel limit]; the capture date, decode-exif.ts);
 * - the pixels come from heic-decode (libheif compiled to WebAssembly, loaded on the first HEIC met): RGBA of the
 *   primary image, with the container's own rotation and mirroring (irot, imir) already applied by libheif;
 * - orientation: HEIF writers store it in the container (irot/imir), and libheif has applied it; a file that carries
 *   no such box but an EXIF orientation tag (older encoders, heif-enc from a rotated JPEG) is turned by the tag.
 *   Never both: an iPhone file has irot and an EXIF tag saying the same thing, and applying the two would turn the
 *   photo twice (libvips' heifload drops the tag for the same reason).
 * heic-decode works synchronously inside the call (about 0.2 s for a 0.3 MP photo); the engine runs off the doors'
 * threads ([Note: ML IPC], [Note: web door thread]), so no window or HTTP request waits on it.
 */

type HeicDecode = (typeof import('heic-decode'))['default'];

let decoder: Promise<HeicDecode> | undefined;

/** heic-decode, imported on first use (its WebAssembly bundle is 2 MB). */
function heicDecoder(): Promise<HeicDecode> {
  decoder ??= import('heic-decode').then((m) => m.default);
  return decoder;
}

const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const fourcc = (b: Uint8Array, i: number) => String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);

/** The boxes directly inside b[start, end): type and content range; stops at the first box that does not fit. */
function boxes(b: Uint8Array, start: number, end: number): { type: string; from: number; to: number }[] {
  const out = [];
  let i = start;
  while (i + 8 <= end) {
    let size = u32be(b, i);
    let header = 8;
    if (size === 1) {
      if (i + 16 > end) break;
      size = u32be(b, i + 8) * 2 ** 32 + u32be(b, i + 12);
      header = 16;
    } else if (size === 0) size = end - i;
    if (size < header || i + size > end) break;
    out.push({ type: fourcc(b, i + 4), from: i + header, to: i + size });
    i += size;
  }
  return out;
}

/**
 * Does the HEIF container rotate or mirror its image (an irot or imir property in meta/iprp/ipco)? libheif then
 * applies it while decoding (see [Note: HEIC decoding]).
 */
export function heifTransformed(b: Uint8Array): boolean {
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return false;
  const iprp = boxes(b, meta.from + 4, meta.to).find((x) => x.type === 'iprp'); // meta is a full box: 4 bytes of version and flags
  const ipco = iprp && boxes(b, iprp.from, iprp.to).find((x) => x.type === 'ipco');
  if (!ipco) return false;
  return boxes(b, ipco.from, ipco.to).some(
    (p) => p.type === 'imir' || (p.type === 'irot' && p.to > p.from && (b[p.from]! & 3) !== 0),
  );
}

/** ISO base media file (HEIF, AVIF): complete when its top-level boxes end exactly at the end of the file. */
export function bmffCompleteness(b: Uint8Array): 'complete' | 'truncated' | 'unknown' {
  if (b.length < 12 || fourcc(b, 4) !== 'ftyp') return 'unknown';
  let i = 0;
  while (i + 8 <= b.length) {
    let size = u32be(b, i);
    if (size === 1) {
      if (i + 16 > b.length) return 'truncated';
      size = u32be(b, i + 8) * 2 ** 32 + u32be(b, i + 12);
    } else if (size === 0) return 'complete'; // the last box runs to the end of the file
    if (size < 8) return 'unknown';
    if (i + size > b.length) return 'truncated';
    i += size;
  }
  return i === b.length ? 'complete' : 'truncated';
}

/** The primary image's pixels as RGBA, with the container's rotation and mirroring applied. Throws on a bad file. */
export async function decodeHeifPixels(buf: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const decode = await heicDecoder();
  const img = await decode({ buffer: buf });
  return {
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
    width: img.width,
    height: img.height,
  };
}

/** RGBA -> RGB, alpha flattened onto `bg`. */
export function flattenRgba(rgba: Uint8Array, bg: { r: number; g: number; b: number }): Uint8Array {
  const n = rgba.length >> 2;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3]!;
    const o = i * 3;
    if (a === 255) {
      out[o] = rgba[i * 4]!;
      out[o + 1] = rgba[i * 4 + 1]!;
      out[o + 2] = rgba[i * 4 + 2]!;
    } else {
      out[o] = Math.round((rgba[i * 4]! * a + bg.r * (255 - a)) / 255);
      out[o + 1] = Math.round((rgba[i * 4 + 1]! * a + bg.g * (255 - a)) / 255);
      out[o + 2] = Math.round((rgba[i * 4 + 2]! * a + bg.b * (255 - a)) / 255);
    }
  }
  return out;
}

/**
 * Turns RGB pixels stored with EXIF orientation `o` (1..8) upright. For each output pixel (x, y) of the upright
 * image, the stored pixel it shows: 2 mirrors, 3 turns 180, 4 flips, 5 transposes, 6 turns 90 clockwise,
 * 7 transverses, 8 turns 90 anticlockwise.
 */
export function orientRgb(
  data: Uint8Array,
  width: number,
  height: number,
  o: number,
): { data: Uint8Array; width: number; height: number } {
  if (o <= 1 || o > 8) return { data, width, height };
  const swap = o >= 5;
  const W = swap ? height : width;
  const H = swap ? width : height;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx: number;
      let sy: number;
      switch (o) {
        case 2:
          [sx, sy] = [width - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [width - 1 - x, height - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, height - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, height - 1 - x];
          break;
        case 7:
          [sx, sy] = [width - 1 - y, height - 1 - x];
          break;
        default: // 8
          [sx, sy] = [width - 1 - y, x];
      }
      const s = (sy * width + sx) * 3;
      const d = (y * W + x) * 3;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  }
  return { data: out, width: W, height: H };
}
