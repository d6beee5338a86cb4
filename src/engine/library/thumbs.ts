// Engine (library): face thumbnails, small JPEGs of each face box with margin under <db folder>/thumbs/<shard>/<face id>.jpg.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Db } from '../store/db.js';
import type { Box } from '../store/faces.js';
import { PhotoStore } from '../store/photos.js';
import type { FaceBox } from '../store/thumbs.js';
import { decodeImage, type DecodedImage } from '../image/decode.js';
import { quarterTurnsOf } from '../vision/turned.js';
import type { Point } from '../vision/types.js';

export const thumbOptions = {
  /** Side of the square thumbnail (px). */
  size: 160,
  /** Margin around the face box, as a fraction of the box's larger side, on each side. */
  margin: 0.35,
  quality: 82,
};

/**
 * [Note: thumbnails are derived] A thumbnail is a cache of (photo, face box): it is written after the face's row
 * is committed (its name is the face id) and may be missing after a crash; `doctor` and the UI rebuild missing
 * ones from the photo (rebuildThumbs), and [Note: thumbnail journal] makes the next import do it for faces a kill
 * interrupted. Folders are sharded by the low byte of the id so no folder holds more than ~1/256 of them.
 */
export function thumbsDir(dbPath: string): string {
  return join(dirname(dbPath), 'thumbs');
}

export function thumbPath(dbPath: string, faceId: number): string {
  return join(thumbsDir(dbPath), (faceId & 0xff).toString(16).padStart(2, '0'), `${faceId}.jpg`);
}

/** The square crop (box + margin, clamped to the image) that a face's thumbnail shows. */
export function thumbRegion(
  box: Box,
  width: number,
  height: number,
  margin = thumbOptions.margin,
): { left: number; top: number; width: number; height: number } {
  const side = Math.max(box.w, box.h) * (1 + 2 * margin);
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const s = Math.max(1, Math.min(Math.round(side), width, height));
  const left = Math.min(Math.max(0, Math.round(cx - s / 2)), width - s);
  const top = Math.min(Math.max(0, Math.round(cy - s / 2)), height - s);
  return { left, top, width: s, height: s };
}

/**
 * The thumbnail JPEG of `box` from decoded RGB pixels (sharp works on libuv threads, off the JS thread), turned
 * upright when the face's `landmarks` say it lies on its side or upside down ([Note: turned faces]).
 */
export async function renderThumb(
  image: { data: Uint8Array; width: number; height: number },
  box: Box,
  landmarks?: ArrayLike<number> | readonly Point[],
  o: typeof thumbOptions = thumbOptions,
): Promise<Buffer> {
  const region = thumbRegion(box, image.width, image.height, o.margin);
  const turns = landmarks ? quarterTurnsOf(landmarks) : 0;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(region)
    .resize(o.size, o.size, { fit: 'cover' })
    .rotate(((4 - turns) % 4) * 90) // sharp turns clockwise: undo the face's clockwise turns
    .jpeg({ quality: o.quality, mozjpeg: false })
    .toBuffer();
}

/** Thumbnail folders this process has made or seen (256 per library): a write goes straight to the file. */
const madeDirs = new Set<string>();

/** Writes a rendered thumbnail to its file (the folder is made when missing, or when it went since). */
export async function writeThumbFile(path: string, jpeg: Uint8Array): Promise<void> {
  const dir = dirname(path);
  if (madeDirs.has(dir)) {
    try {
      await writeFile(path, jpeg);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      madeDirs.delete(dir); // removed under us (a library folder deleted and made again): make it again
    }
  }
  await mkdir(dir, { recursive: true });
  madeDirs.add(dir);
  await writeFile(path, jpeg);
}

/** Writes the thumbnail of `box` from decoded RGB pixels. */
export async function writeThumb(
  path: string,
  image: { data: Uint8Array; width: number; height: number },
  box: Box,
  landmarks?: ArrayLike<number> | readonly Point[],
): Promise<void> {
  await writeThumbFile(path, await renderThumb(image, box, landmarks));
}

export async function removeThumb(dbPath: string, faceId: number): Promise<void> {
  await rm(thumbPath(dbPath, faceId), { force: true });
}

/**
 * Writes the thumbnails of `faces` from their photos (each photo decoded once, from the first of its files that
 * reads); returns the ids written. A face whose photo cannot be read now is skipped, never an error.
 */
export async function rebuildThumbs(db: Db, dbPath: string, faces: readonly FaceBox[]): Promise<number[]> {
  const photos = new PhotoStore(db);
  const made: number[] = [];
  const byPhoto = new Map<number, FaceBox[]>();
  for (const f of faces) byPhoto.set(f.photoId, [...(byPhoto.get(f.photoId) ?? []), f]);
  for (const [photoId, list] of byPhoto) {
    let image: DecodedImage | undefined;
    for (const file of photos.filesOfPhoto(photoId)) {
      try {
        image = await decodeImage(file.path);
        break;
      } catch {
        // try the photo's next file
      }
    }
    if (!image) continue;
    for (const f of list) {
      await writeThumb(thumbPath(dbPath, f.id), image, f.box, f.landmarks);
      made.push(f.id);
    }
  }
  return made;
}
