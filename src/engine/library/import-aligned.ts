// Engine (library): importing a folder of already aligned 112x112 crops (celebs24-style): no detection, one full-frame face per file.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Embedder } from '../arcface/embedder.js';
import type { Db } from '../store/db.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore } from '../store/folders.js';
import { PhotoStore } from '../store/photos.js';
import { ARCFACE_TEMPLATE, ALIGNED_SIZE } from '../vision/align.js';
import type { FacePipeline } from '../vision/pipeline.js';
import { recognisability } from '../vision/quality.js';
import { hashBytes } from '../image/hash.js';

/**
 * Each file is resized to 112x112 RGB and embedded as it is, stored as one photo with one full-frame face whose
 * landmarks are the template's; its folder is the labelled root (two levels up). Files already in the library are
 * skipped. Returns how many were added.
 */
export async function importAligned(
  ctx: { db: Db; embedder: Embedder; vision: () => Promise<FacePipeline> },
  files: { identity: string; path: string }[],
  log: (l: string) => void = () => undefined,
): Promise<number> {
  const { db, embedder } = ctx;
  const faces = new FaceStore(db);
  const photos = new PhotoStore(db);
  const todo = files.filter((f) => !photos.file(f.path));
  if (todo.length === 0) return 0;
  log(`embedding ${todo.length} aligned crops`);
  const vision = await ctx.vision();
  const landmarks = Float32Array.from(ARCFACE_TEMPLATE.flatMap((p) => [p[0], p[1]]));
  const folderId = new FolderStore(db).ensure(join(files[0]!.path, '..', '..')).id;
  let done = 0;
  for (const f of todo) {
    const bytes = readFileSync(f.path);
    const { data } = await sharp(bytes)
      .removeAlpha()
      .resize(ALIGNED_SIZE, ALIGNED_SIZE, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [feature] = await vision.embedAligned([new Uint8Array(data)]);
    const [vec] = embedder.embed([feature!]);
    const st = statSync(f.path);
    db.transaction(() => {
      const hash = hashBytes(bytes);
      const now = Date.now();
      const photoId =
        photos.photoByHash(hash)?.id ??
        photos.insertPhoto({
          hash,
          width: ALIGNED_SIZE,
          height: ALIGNED_SIZE,
          orientation: 1,
          status: 'done',
          processedAt: now,
          faceCount: 1,
        });
      photos.upsertFile({
        folderId,
        path: f.path,
        size: st.size,
        mtimeMs: Math.round(st.mtimeMs),
        photoId,
        seenAt: now,
      });
      if (faces.faceIdsOfPhoto(photoId).length === 0) {
        const id = faces.insertFace(photoId, {
          box: { x: 0, y: 0, w: ALIGNED_SIZE, h: ALIGNED_SIZE },
          score: 1,
          landmarks,
          feature: feature!,
          quality: recognisability(feature!),
        });
        faces.putEmbedding(id, embedder.headId, vec!);
      }
    })();
    if (++done % 500 === 0) log(`  ${done}/${todo.length}`);
  }
  return todo.length;
}
