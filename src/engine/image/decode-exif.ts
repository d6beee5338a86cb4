// Engine (image): reads the capture time (DateTimeOriginal + OffsetTimeOriginal) and the orientation from a raw EXIF block (TIFF layout).
// Small and defensive: any malformed offset yields undefined, never a throw.

const TAG_EXIF_IFD = 0x8769;
const TAG_DATETIME = 0x0132;
const TAG_ORIENTATION = 0x0112;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;

/** Tag -> ASCII string value of the IFD at `ifd`, plus the raw value of the Exif sub-IFD pointer. */
function readIfd(buf: Buffer, tiff: number, ifd: number, le: boolean): Map<number, string | number> {
  const out = new Map<number, string | number>();
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const at = tiff + ifd;
  if (at + 2 > buf.length) return out;
  const n = u16(at);
  for (let i = 0; i < n; i++) {
    const e = at + 2 + i * 12;
    if (e + 12 > buf.length) break;
    const tag = u16(e);
    const type = u16(e + 2);
    const count = u32(e + 4);
    if (type === 4 || (type === 13 && count === 1)) out.set(tag, u32(e + 8));
    else if (type === 3 && count === 1)
      out.set(tag, u16(e + 8)); // SHORT: the value sits in the entry
    else if (type === 2) {
      const start = count <= 4 ? e + 8 : tiff + u32(e + 8);
      if (start + count <= buf.length)
        out.set(
          tag,
          buf
            .toString('latin1', start, start + count)
            .replace(/\0.*$/s, '')
            .trim(),
        );
    }
  }
  return out;
}

/** "2019:07:14 18:03:22" (+ optional "+02:00") -> ms since the epoch; local time of this machine when no offset. */
export function parseExifDate(text: string, offset?: string): number | undefined {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined; // "0000:00:00 00:00:00" is common
  const o = offset ? /^([+-])(\d{2}):(\d{2})$/.exec(offset) : null;
  if (o) {
    const sign = o[1] === '-' ? -1 : 1;
    return Date.UTC(y, mo - 1, d, h, mi, s) - sign * (Number(o[2]) * 60 + Number(o[3])) * 60_000;
  }
  const t = new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** Where the TIFF structure of an EXIF block ("Exif\0\0" + TIFF, or TIFF) starts, its byte order and first IFD. */
function tiffHeader(exif: Buffer): { tiff: number; le: boolean; ifd0: number } | undefined {
  const tiff = exif.toString('latin1', 0, 4) === 'Exif' ? 6 : 0;
  const order = exif.toString('latin1', tiff, tiff + 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  return { tiff, le, ifd0: le ? exif.readUInt32LE(tiff + 4) : exif.readUInt32BE(tiff + 4) };
}

/** The capture time in a sharp `metadata().exif` buffer ("Exif\0\0" + TIFF), or undefined. */
export function exifTakenAt(exif: Buffer | undefined): number | undefined {
  if (!exif || exif.length < 14) return undefined;
  try {
    const h = tiffHeader(exif);
    if (!h) return undefined;
    const { tiff, le, ifd0 } = h;
    const main = readIfd(exif, tiff, ifd0, le);
    const exifIfd = main.get(TAG_EXIF_IFD);
    const sub = typeof exifIfd === 'number' ? readIfd(exif, tiff, exifIfd, le) : new Map<number, string | number>();
    const original = sub.get(TAG_DATETIME_ORIGINAL);
    const offset = sub.get(TAG_OFFSET_TIME_ORIGINAL);
    const text = typeof original === 'string' ? original : main.get(TAG_DATETIME);
    return typeof text === 'string' ? parseExifDate(text, typeof offset === 'string' ? offset : undefined) : undefined;
  } catch {
    return undefined; // a malformed EXIF block must not cost the photo
  }
}

/** The EXIF orientation (1..8) in a raw EXIF block ("Exif\0\0" + TIFF, or TIFF), or undefined when absent or odd. */
export function exifOrientation(exif: Buffer | undefined): number | undefined {
  if (!exif || exif.length < 14) return undefined;
  try {
    const h = tiffHeader(exif);
    if (!h) return undefined;
    const o = readIfd(exif, h.tiff, h.ifd0, h.le).get(TAG_ORIENTATION);
    return typeof o === 'number' && o >= 1 && o <= 8 ? o : undefined;
  } catch {
    return undefined;
  }
}
