// Engine (library): is an image file whole? Walks the container structure (JPEG markers, PNG chunks, RIFF size, GIF trailer) without decoding.

/**
 * [Note: bad-file classification] When sharp fails to decode a file, its message comes from libvips' error buffer,
 * which concurrent decodes share: with two import lanes, one photo's failure could be described by another's text.
 * So the reason a user reads is decided from the file's own bytes: a container whose structure ends before its end
 * marker is 'truncated'; a header that claims more pixels than the limit is 'too-large'; only then is the decoder's
 * text used, and only as detail of a 'decode' failure.
 */
export type Completeness = 'complete' | 'truncated' | 'unknown';

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/**
 * JPEG: SOI, then marker segments skipped by their lengths (an EXIF thumbnail inside APP1 is skipped with it), then
 * entropy-coded scans (FF00 stuffing and RSTn markers inside) until EOI. Bytes after EOI (motion-photo trailers) are
 * allowed. Ends before EOI -> truncated.
 */
export function jpegCompleteness(b: Uint8Array): Completeness {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 'unknown';
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) return 'unknown'; // not at a marker: a structure this walk does not know
    while (i < b.length && b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) return 'truncated';
    const marker = b[i++]!;
    if (marker === 0xd9) return 'complete';
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (i + 2 > b.length) return 'truncated';
    const len = u16be(b, i);
    if (len < 2) return 'unknown';
    i += len;
    if (i > b.length) return 'truncated';
    if (marker === 0xda) {
      // Entropy-coded data until the next marker that is neither stuffing (FF00) nor a restart (FFD0-D7).
      for (;;) {
        const ff = b.indexOf(0xff, i);
        if (ff < 0 || ff + 1 >= b.length) return 'truncated';
        const next = b[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
          i = next === 0xff ? ff + 1 : ff + 2;
          continue;
        }
        i = ff;
        break;
      }
    }
  }
  return 'truncated';
}

/** PNG: the signature, then chunks (length, type, data, CRC) until IEND. */
export function pngCompleteness(b: Uint8Array): Completeness {
  if (b.length < 8 || b[0] !== 0x89 || b[1] !== 0x50) return 'unknown';
  let i = 8;
  while (i + 8 <= b.length) {
    const len = u32be(b, i);
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    i += 12 + len;
    if (i > b.length) return 'truncated';
    if (type === 'IEND') return 'complete';
  }
  return 'truncated';
}

/** WebP: the RIFF header's size must fit in the file. */
export function webpCompleteness(b: Uint8Array): Completeness {
  if (b.length < 12) return 'truncated';
  return b.length >= 8 + u32le(b, 4) ? 'complete' : 'truncated';
}

/** GIF: blocks until the trailer (0x3B). */
export function gifCompleteness(b: Uint8Array): Completeness {
  if (b.length < 13) return 'truncated';
  let i = 13;
  const flags = b[10]!;
  if (flags & 0x80) i += 3 * (1 << ((flags & 7) + 1)); // global colour table
  const subBlocks = (): boolean => {
    while (i < b.length) {
      const n = b[i++]!;
      if (n === 0) return true;
      i += n;
    }
    return false;
  };
  while (i < b.length) {
    const kind = b[i++]!;
    if (kind === 0x3b) return 'complete';
    if (kind === 0x21) {
      i++; // label
      if (!subBlocks()) return 'truncated';
    } else if (kind === 0x2c) {
      if (i + 9 > b.length) return 'truncated';
      const f = b[i + 8]!;
      i += 9;
      if (f & 0x80) i += 3 * (1 << ((f & 7) + 1)); // local colour table
      i++; // LZW minimum code size
      if (!subBlocks()) return 'truncated';
    } else return 'unknown';
  }
  return 'truncated';
}

export function completeness(b: Uint8Array, format: string): Completeness {
  switch (format) {
    case 'jpeg':
      return jpegCompleteness(b);
    case 'png':
      return pngCompleteness(b);
    case 'webp':
      return webpCompleteness(b);
    case 'gif':
      return gifCompleteness(b);
    default:
      return 'unknown';
  }
}

/** Width and height as the header states them (JPEG SOFn, PNG IHDR, GIF screen), or undefined. */
export function headerSize(b: Uint8Array, format: string): { width: number; height: number } | undefined {
  if (format === 'png' && b.length >= 24) return { width: u32be(b, 16), height: u32be(b, 20) };
  if (format === 'gif' && b.length >= 10) return { width: b[6]! | (b[7]! << 8), height: b[8]! | (b[9]! << 8) };
  if (format !== 'jpeg') return undefined;
  let i = 2;
  while (i + 9 < b.length && b[i] === 0xff) {
    const marker = b[i + 1]!;
    const len = u16be(b, i + 2);
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
    if (marker === 0xda || len < 2) return undefined;
    i += 2 + len;
  }
  return undefined;
}
