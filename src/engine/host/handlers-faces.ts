// Engine (host): removing a folder and adding a hand-drawn face, composed from the library, vision, store and cluster modules.
import { ApiError } from '../../shared/result.js';
import type { Engine } from '../engine.js';
import { activeEmbedder } from '../arcface/embedder.js';
import { assignNewFaces } from '../cluster/incremental.js';
import { decodeImage, DecodeError } from '../library/decode.js';
import { sweepOrphans } from '../library/commit.js';
import { removeThumb, thumbPath, writeThumb } from '../library/thumbs.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore } from '../store/folders.js';
import { PhotoStore } from '../store/photos.js';
import { ThumbJournal } from '../store/thumbs.js';
import * as q from './queries.js';
import { photoFile } from './files.js';
import type { Handlers } from './context.js';
import { notFound } from './handlers-base.js';

/**
 * [Note: composed in the host] These two operations belong in the Engine facade (Engine.removeFolder,
 * Engine.addManualFace); until it has them, the host composes them from the engine's own public pieces — the
 * same ones an import uses (FolderStore, sweepOrphans, FaceIndex.remove/add, thumbnails, FacePipeline.describe,
 * activeEmbedder, assignNewFaces) — so nothing here is a second implementation of engine behaviour.
 * Both run behind `serial` so they never overlap an import.
 */
export function faceHandlers(engine: Engine, serial: <T>(fn: () => Promise<T>) => Promise<T>): Handlers {
  return {
    'library.removeFolder': (a, ctx) =>
      serial(async () => {
        const folders = new FolderStore(ctx.db);
        if (!q.folders(ctx.db).some((f) => f.id === a.folderId)) notFound(`folder ${a.folderId}`);
        const index = engine.index();
        const gone = ctx.db.transaction(() => {
          folders.remove(a.folderId);
          return sweepOrphans(ctx.db, new PhotoStore(ctx.db), new FaceStore(ctx.db));
        })();
        for (const id of gone.faceIds) {
          index.remove(id);
          await removeThumb(ctx.dbPath, id);
        }
        index.save();
        ctx.emit('library.changed', { reason: 'folder removed' });
        ctx.emit('people.changed', { reason: 'folder removed' });
        return { photosRemoved: gone.photos };
      }),

    'faces.addManual': (a, ctx) =>
      serial(async () => {
        const file = photoFile(ctx.db, a.photoId);
        if (!file) notFound(`a readable file of photo ${a.photoId}`);
        let image;
        try {
          image = await decodeImage(file);
        } catch (err) {
          if (err instanceof DecodeError)
            throw new ApiError('conflict', `photo ${a.photoId} cannot be read now: ${err.message}`);
          throw err;
        }
        const box = {
          x: a.box.x,
          y: a.box.y,
          w: Math.min(a.box.w, image.width - a.box.x),
          h: Math.min(a.box.h, image.height - a.box.y),
        };
        if (box.w < 8 || box.h < 8) throw new ApiError('invalid-args', 'the box lies (almost) outside the photo');
        const face = await (await engine.vision()).describe(image, { box, score: 1 });
        const faces = new FaceStore(ctx.db);
        const embedder = activeEmbedder(ctx.db);
        const [vec] = embedder.embed([face.feature]);
        const id = ctx.db.transaction(() => {
          const id = faces.insertFace(a.photoId, {
            box,
            score: 1,
            landmarks: Float32Array.from(face.landmarks.flat()),
            feature: face.feature,
            quality: face.quality,
            source: 'manual',
          });
          faces.putEmbedding(id, embedder.headId, vec!);
          new ThumbJournal(ctx.db).add([id]);
          return id;
        })();
        const index = engine.index();
        index.add(id, vec!);
        index.save();
        await writeThumb(thumbPath(ctx.dbPath, id), image, box);
        new ThumbJournal(ctx.db).done([id]);
        // A hand-drawn face is the user's word that a face is there: it is clustered like any other.
        assignNewFaces(ctx.db, { threshold: ctx.settings().assignThreshold, minQuality: ctx.settings().minQuality });
        ctx.emit('library.changed', { reason: 'manual face' });
        ctx.emit('people.changed', { reason: 'manual face' });
        return q.face(ctx.db, id, ctx.settings().minQuality) ?? notFound(`face ${id}`);
      }),
  };
}
