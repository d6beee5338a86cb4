// Test helper: real HEIC files made at run time by Debian's heif-enc (libheif-examples), or a clear skip when it is absent.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const probe = spawnSync('heif-enc', ['--help'], { encoding: 'utf8' });
/** Is heif-enc (libheif-examples) on this machine? */
export const HEIF_ENC = probe.error === undefined;

/** Pass as a test's `skip` option. */
export function skipUnlessHeifEnc(): string | false {
  return HEIF_ENC ? false : 'needs heif-enc to make HEIC files (Debian: apt-get install libheif-examples)';
}

/**
 * Encodes a JPEG (a file, or bytes written to `out` + '.jpg' first) as HEIC at `out` with heif-enc; its EXIF
 * (date, orientation tag) goes into the HEIC's Exif item. Quality 50 keeps the files small.
 */
export function makeHeic(jpeg: string | Buffer, out: string, quality = 50): string {
  let src = jpeg;
  if (typeof jpeg !== 'string') {
    src = `${out}.src.jpg`;
    writeFileSync(src, jpeg);
  }
  const r = spawnSync('heif-enc', ['-q', String(quality), '-o', out, src as string], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`heif-enc failed (${r.status}): ${r.stderr}${r.stdout}`);
  return out;
}
