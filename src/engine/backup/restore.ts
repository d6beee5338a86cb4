// Engine (backup): applies a backup to a library: people, names, corrections, hand-drawn faces and heads, as one undoable step.
import { readFileSync } from 'node:fs';
import { activateHead, headEmbed } from '../arcface/heads.js';
import { recordOp } from '../store/history.js';
import { createPerson } from '../people/ops.js';
import type { Db } from '../store/db.js';
import { blobToF32 } from '../store/blob.js';
import { BackupStore } from '../store/backup.js';
import { HeadStore } from '../store/heads.js';
import { FaceStore, FEATURE_DIM } from '../store/faces.js';
import { iou } from '../vision/boxes.js';
import { BackupV1, type Backup, type FaceRef } from './format.js';

export const restoreOptions = {
  /** A backed-up face matches the library face of the same photo whose box overlaps it at least this much (IoU). */
  minIou: 0.5,
};

export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

export interface RestoreSummary {
  peopleCreated: number;
  peopleReused: number;
  facesMatched: number;
  /** References to faces this library does not have (photo not imported, or no face there). */
  facesUnmatched: number;
  assignments: number;
  /** Backed-up automatic assignments not applied because the user had already placed that face. */
  keptUserAssignments: number;
  rejections: number;
  manualFacesAdded: number;
  headsAdded: number;
  activatedHead?: number;
}

export function readBackup(path: string): Backup {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BackupFormatError(`${path} is not a readable Facelens backup: ${(err as Error).message}`);
  }
  const parsed = BackupV1.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BackupFormatError(
      `${path} is not a Facelens backup (v1): ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Finds library faces for backed-up references: same photo hash, best box overlap. */
class FaceMatcher {
  constructor(private readonly store: BackupStore) {}
  photoId(ref: FaceRef): number | undefined {
    return this.store.photoIdByHash(ref.photo);
  }
  match(ref: FaceRef): number | undefined {
    const photoId = this.photoId(ref);
    if (photoId === undefined) return undefined;
    let best: number | undefined;
    let bestIou = restoreOptions.minIou;
    const [x, y, w, h] = ref.box as [number, number, number, number];
    for (const f of this.store.faceBoxesOfPhoto(photoId)) {
      const o = iou({ x, y, w, h }, f);
      if (o >= bestIou) [best, bestIou] = [f.id, o];
    }
    return best;
  }
}

/** Applies `backup` to the library in one transaction, recorded as one undoable history entry for its people part. */
export function restoreBackup(
  db: Db,
  backup: Backup,
  opts: { dbPath?: string; activate?: boolean } = {},
): RestoreSummary {
  const s: RestoreSummary = {
    peopleCreated: 0,
    peopleReused: 0,
    facesMatched: 0,
    facesUnmatched: 0,
    assignments: 0,
    keptUserAssignments: 0,
    rejections: 0,
    manualFacesAdded: 0,
    headsAdded: 0, // prettier-ignore
  };
  let activate: number | undefined;
  const summary = `Restore backup of ${new Date(backup.createdAt).toISOString().slice(0, 10)}`;
  recordOp(db, 'restore', summary, () => {
    const store = new BackupStore(db);
    const matcher = new FaceMatcher(store);
    const faces = new FaceStore(db);
    const activeHead = new HeadStore(db).active().id;
    const embed = headEmbed(db, activeHead);

    // Hand-drawn faces first, so references to them match below.
    for (const m of backup.manualFaces) {
      if (matcher.match(m.face) !== undefined) continue;
      const photoId = matcher.photoId(m.face);
      if (photoId === undefined) continue;
      const feature = blobToF32(Buffer.from(m.feature, 'base64'), FEATURE_DIM);
      const [x, y, w, h] = m.face.box;
      const id = faces.insertFace(photoId, {
        box: { x, y, w, h },
        score: m.score,
        quality: m.quality,
        landmarks: Float32Array.from(m.landmarks),
        feature,
        source: 'manual',
      });
      faces.putEmbedding(id, activeHead, embed([feature])[0]!);
      s.manualFacesAdded++;
    }

    const faceOf = new Map<string, number | undefined>();
    const resolve = (ref: FaceRef): number | undefined => {
      const key = `${ref.photo}:${ref.box.join(',')}`;
      if (!faceOf.has(key)) {
        const id = matcher.match(ref);
        faceOf.set(key, id);
        if (id === undefined) s.facesUnmatched++;
        else s.facesMatched++;
      }
      return faceOf.get(key);
    };

    const personOf = new Map<number, number>();
    for (const p of backup.people) {
      const existing = p.name ? store.personIdByName(p.name) : undefined;
      const id = existing ?? createPerson(db, p.name, p.pinned);
      if (existing !== undefined) s.peopleReused++;
      else s.peopleCreated++;
      store.setPersonFlags(id, p.hidden, p.pinned);
      personOf.set(p.key, id);
    }

    const now = Date.now();
    for (const a of backup.assignments) {
      const face = resolve(a.face);
      const person = personOf.get(a.person);
      if (face === undefined || person === undefined) continue;
      const cur = store.assignmentOf(face);
      if (cur && cur.source === 'user' && a.source === 'auto' && cur.person_id !== person) {
        s.keptUserAssignments++;
        continue;
      }
      store.assign(face, person, a.source, now);
      s.assignments++;
    }
    for (const r of backup.rejections) {
      const face = resolve(r.face);
      const person = personOf.get(r.person);
      if (face === undefined || person === undefined) continue;
      if (store.reject(face, person, now)) s.rejections++;
    }
    for (const p of backup.people) {
      const face = p.cover ? resolve(p.cover) : undefined;
      if (face !== undefined) store.setCover(personOf.get(p.key)!, face);
    }

    const headOf = new Map<number, number>();
    for (const h of backup.heads) {
      if (h.kind === 'identity') {
        headOf.set(h.key, 1);
        continue;
      }
      const existing = store.headIdByNameAndDate(h.name, h.createdAt);
      const parent = h.parent === null ? null : (headOf.get(h.parent) ?? null);
      const id =
        existing ??
        store.insertHead({
          name: h.name,
          kind: h.kind,
          parentId: parent,
          createdAt: h.createdAt,
          config: h.config,
          metrics: h.metrics,
          weights: h.weights ? Buffer.from(h.weights, 'base64') : null,
        });
      if (existing === undefined) s.headsAdded++;
      headOf.set(h.key, id);
      if (h.active && id !== activeHead) activate = id;
    }
  });
  if (opts.activate !== false && activate !== undefined) {
    activateHead(db, activate, opts.dbPath);
    s.activatedHead = activate;
  }
  return s;
}
