// Engine (library): the import's writes, each one SQLite transaction: a photo with its faces and embeddings, a link, a failure.
import { extname } from 'node:path';
import type { Db } from '../store/db.js';
import type { FaceStore } from '../store/faces.js';
import { pointsToF32 } from '../store/blob.js';
import type { PhotoStore } from '../store/photos.js';
import { ThumbJournal } from '../store/thumbs.js';
import type { FaceResult } from '../vision/pipeline.js';
import type { DecodedImage } from '../image/decode.js';
import type { ScanTodo } from './scan.js';
import { isImageName } from './walk.js';

/**
 * [Note: one transaction per photo] A photo row, its faces, their embeddings, the file row pointing at it and the
 * clearing of an old failure commit together or not at all. A kill at any moment therefore leaves either the whole
 * photo or nothing (the file is then simply new again on the next run, which resumes there): never faces without a
 * photo, never a file pointing at a half-analysed photo. Content already committed (by a parallel lane) is linked
 * instead; a 'pending' photo of the same content is replaced.
 */
export function commitPhoto(
  db: Db,
  photos: PhotoStore,
  faces: FaceStore,
  todo: ScanTodo,
  photo: {
    hash: string;
    image: Pick<DecodedImage, 'width' | 'height' | 'orientation' | 'takenAt'>;
    size: number;
    mtimeMs: number;
  },
  found: FaceResult[],
  vecs: Float32Array[],
  headId: number,
  stamp: number,
): { photoId: number; faceIds: number[]; linked: boolean } {
  return db.transaction(() => {
    const existing = photos.photoByHash(photo.hash);
    // The same content committed by another lane meanwhile (a duplicate file), or the same shot in another file
    // beside this one ([Note: one shot in two files]): link to that photo, keep its faces.
    const same = existing?.status === 'done' ? existing.id : sameShot(photos, todo.path, photo.image, found.length);
    if (same !== undefined) {
      photos.upsertFile({
        folderId: todo.folderId,
        path: todo.path,
        size: photo.size,
        mtimeMs: photo.mtimeMs,
        photoId: same,
        seenAt: stamp,
      });
      photos.clearFailure(todo.path);
      return { photoId: same, faceIds: [], linked: true };
    }
    if (existing) photos.deletePhoto(existing.id);
    const now = Date.now();
    const photoId = photos.insertPhoto({
      hash: photo.hash,
      width: photo.image.width,
      height: photo.image.height,
      orientation: photo.image.orientation,
      takenAt: photo.image.takenAt,
      status: 'done',
      faceCount: found.length,
      processedAt: now,
    });
    const faceIds = found.map((f, i) => {
      const id = faces.insertFace(
        photoId,
        { box: f.box, score: f.score, landmarks: pointsToF32(f.landmarks), feature: f.feature, quality: f.quality },
        now,
      );
      faces.putEmbedding(id, headId, vecs[i]!);
      return id;
    });
    new ThumbJournal(db).add(faceIds); // see [Note: thumbnail journal]
    photos.upsertFile({
      folderId: todo.folderId,
      path: todo.path,
      size: photo.size,
      mtimeMs: photo.mtimeMs,
      photoId,
      seenAt: stamp,
    });
    photos.clearFailure(todo.path);
    return { photoId, faceIds, linked: false };
  })();
}

/**
 * [Note: one shot in two files] A phone or camera set to save both, or a converted copy kept beside its original,
 * leaves one shot in a folder twice under one name: IMG_0412.HEIC and IMG_0412.JPG. Their bytes differ, so the
 * content hash does not join them, and each face would be counted twice: the person's photos shown twice, two faces
 * of one person in one moment. A file is taken as another file of a photo already in the library when a file of that
 * photo lies in the same folder under the same name with another image ending, and both record the same capture
 * time (EXIF DateTimeOriginal, else DateTime), the same shape (width over height, either way up, within 1%) and the
 * same number of faces. It is then linked to that photo as a duplicate is, and its faces are not stored. A file with
 * no capture time is never joined: two different edits exported under one name stay two photos. The first file in
 * scan order (sorted by name: .HEIC before .JPG) holds the photo; the other is listed among its files.
 */
function sameShot(
  photos: PhotoStore,
  path: string,
  image: Pick<DecodedImage, 'width' | 'height' | 'takenAt'>,
  faceCount: number,
): number | undefined {
  const ending = extname(path);
  if (image.takenAt === undefined || !ending) return undefined;
  const stem = path.slice(0, -ending.length);
  const shape = (w: number, h: number) => Math.min(w, h) / Math.max(w, h);
  for (const r of photos.filesNamed(stem)) {
    const other = r.path.slice(stem.length);
    if (r.path === path || !/^\.[^./]+$/.test(other) || !isImageName(r.path)) continue; // IMG_1.JPG, not IMG_1.x.JPG
    if (r.taken_at !== image.takenAt || r.face_count !== faceCount || !r.width || !r.height) continue;
    if (Math.abs(shape(r.width, r.height) - shape(image.width, image.height)) <= 0.01) return r.id;
  }
  return undefined;
}

/** Points the file at a photo already in the library (moved, renamed or duplicate content). */
export function linkFile(
  db: Db,
  photos: PhotoStore,
  todo: ScanTodo,
  photoId: number,
  size: number,
  mtimeMs: number,
  stamp: number,
): void {
  db.transaction(() => {
    photos.upsertFile({ folderId: todo.folderId, path: todo.path, size, mtimeMs, photoId, seenAt: stamp });
    photos.clearFailure(todo.path);
  })();
}

/** Records why the file cannot be imported; a file row it had (an older, readable version) is dropped. */
export function recordFileFailure(
  db: Db,
  photos: PhotoStore,
  todo: ScanTodo,
  code: string,
  reason: string,
  stamp: number,
): void {
  db.transaction(() => {
    photos.recordFailure({
      folderId: todo.folderId,
      path: todo.path,
      code,
      reason,
      size: todo.size,
      mtimeMs: todo.mtimeMs,
      at: stamp,
    });
    if (todo.known) photos.deleteFile(todo.path);
  })();
}

/** Deletes every photo no file points at (faces and embeddings cascade); returns the count and the face ids gone. */
export function sweepOrphans(db: Db, photos: PhotoStore, faces: FaceStore): { photos: number; faceIds: number[] } {
  return db.transaction(() => {
    const ids = photos.orphanPhotoIds();
    const faceIds: number[] = [];
    for (const id of ids) {
      faceIds.push(...faces.faceIdsOfPhoto(id));
      photos.deletePhoto(id);
    }
    return { photos: ids.length, faceIds };
  })();
}
