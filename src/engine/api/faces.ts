// Engine (api): single faces — a face, the file it came from, the faces most like it, a face box drawn by hand.
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { Face } from '../../shared/schemas.js';
import { activeEmbedder } from '../arcface/embedder.js';
import { assignNewFaces } from '../cluster/incremental.js';
import { decodeImage, DecodeError } from '../image/decode.js';
import { thumbPath, writeThumb } from '../library/thumbs.js';
import { FaceStore } from '../store/faces.js';
import { ThumbJournal } from '../store/thumbs.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';
import type { LibraryService } from './library.js';

export class FacesService implements Service<'faces'> {
  constructor(
    private readonly c: Core,
    private readonly library: LibraryService,
  ) {}

  get(a: ParsedArgs<'faces.get'>): Value<'faces.get'> {
    return this.#face(a.faceId);
  }

  /** The k faces most like a face (itself excluded), most similar first, from the HNSW index of the active head. */
  similar(a: ParsedArgs<'faces.similar'>): Value<'faces.similar'> {
    this.#face(a.faceId);
    const index = this.c.index();
    const emb = new FaceStore(this.c.db).embedding(a.faceId);
    if (!emb || emb.headId !== index.headId)
      throw new ApiError(
        'conflict',
        `face ${a.faceId} has no embedding of the active head (run facelens doctor --repair)`,
      );
    const near = index.search(emb.vec, a.k, a.faceId);
    const byId = new Map(
      views
        .facesByIds(
          this.c.db,
          near.map((n) => n.faceId),
          this.c.settings().minQuality,
        )
        .map((f) => [f.id, f]),
    );
    return near.flatMap((n) => (byId.has(n.faceId) ? [{ face: byId.get(n.faceId)!, similarity: n.similarity }] : []));
  }

  /** The file a face was found in (its photo's first file). */
  source(a: ParsedArgs<'faces.source'>): Value<'faces.source'> {
    const s = views.faceSource(this.c.db, a.faceId);
    if (!s) throw new ApiError('not-found', `face ${a.faceId} does not exist (its photo may have left the library)`);
    return s;
  }

  /** A face box drawn by hand on a photo: aligned, embedded, indexed and given to people like any other face. */
  addManual(a: ParsedArgs<'faces.addManual'>): Promise<Value<'faces.addManual'>> {
    return this.c.serial(async () => {
      const { db, dbPath } = this.c;
      const file = this.library.photoFile(a.photoId);
      if (!file) throw new ApiError('not-found', `no readable file of photo ${a.photoId} in the library's folders`);
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
      const face = await (await this.c.vision()).describe(image, { box, score: 1 });
      const faces = new FaceStore(db);
      const embedder = activeEmbedder(db);
      const [vec] = embedder.embed([face.feature]);
      const journal = new ThumbJournal(db);
      const id = db.transaction(() => {
        const id = faces.insertFace(a.photoId, {
          box,
          score: 1,
          landmarks: Float32Array.from(face.landmarks.flat()),
          feature: face.feature,
          quality: face.quality,
          source: 'manual',
        });
        faces.putEmbedding(id, embedder.headId, vec!);
        journal.add([id]);
        return id;
      })();
      const index = this.c.index();
      index.add(id, vec!);
      index.save();
      await writeThumb(thumbPath(dbPath, id), image, box, face.landmarks);
      journal.done([id]);
      // A hand-drawn face is the user's word that a face is there: it is given to people like any other.
      const { assignThreshold, minQuality } = this.c.settings();
      assignNewFaces(db, { threshold: assignThreshold, minQuality });
      this.c.emit('library.changed', { reason: 'manual face' });
      this.c.emit('people.changed', { reason: 'manual face' });
      return this.#face(id);
    });
  }

  #face(id: number): Face {
    const f = views.face(this.c.db, id, this.c.settings().minQuality);
    if (!f) throw new ApiError('not-found', `face ${id} does not exist (its photo may have left the library)`);
    return f;
  }
}
