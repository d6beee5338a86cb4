// Engine (cluster): clustering quality on a labelled folder (one sub-folder per identity) through the real import pipeline.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { activeEmbedder } from '../arcface/embedder.js';
import { Engine } from '../engine.js';
import { IMAGE_EXTENSIONS } from '../library/decode.js';
import type { Db } from '../store/db.js';
import { FaceStore } from '../store/faces.js';
import { ARCFACE_TEMPLATE, ALIGNED_SIZE } from '../vision/align.js';
import { recognisability } from '../vision/quality.js';
import { loadOptions } from './load.js';
import { groupPurity, scoreClustering, type ClusterScores, type GroupPurity } from './metrics.js';
import type { ReclusterPlan } from './plan.js';
import { reclusterAsync } from './recluster.js';

export interface EvalOptions {
  truthDir: string;
  /** Files are already aligned 112x112 crops (celebs24): embedded directly, no detection. */
  aligned?: boolean;
  /** Algorithms to score on the same embeddings, in order. */
  algorithms: string[];
  /** Keep the library here (reused on the next run: unchanged files are not analysed again); default a temp dir. */
  library?: string;
  minQuality?: number;
  /** Only identities with at least this many photos (LFW: 2); others are not imported. */
  minPhotos?: number;
  /** Overrides of the first algorithm's options object. */
  options?: Record<string, number>;
  log?: (line: string) => void;
}

export interface EvalReport {
  identities: number;
  photos: number;
  /** Photos in which the detector found no face (left out of the score). */
  missedPhotos: number;
  /** Faces found in all, and faces scored (the largest of each photo). */
  faces: number;
  scored: number;
  /** Scored faces the quality gate kept out of clustering (they can only join a person late, by the attach step). */
  gatedScored: number;
  importMs: number;
  results: { algorithm: string; ms: number; scores: ClusterScores; groups: GroupPurity }[];
}

/** Image files of each identity sub-folder (sorted, recursive). */
export function truthFiles(dir: string): { identity: string; path: string }[] {
  const out: { identity: string; path: string }[] = [];
  const walk = (identity: string, d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(identity, p);
      else if (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())) out.push({ identity, path: p });
    }
  };
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!name.startsWith('.') && statSync(p).isDirectory()) walk(name, p);
  }
  return out;
}

/**
 * [Note: eval-clusters] The truth folder is imported the way a user's folder is (detect, align, embed, quality)
 * into a library of its own; each photo's largest face carries the photo's identity and the other faces (people
 * in the background) are clustered but left out of the score. Every algorithm is scored on the same stored
 * embeddings, by planning a re-cluster without applying it, so the figures compare methods and nothing else.
 */
export async function evaluateClusters(o: EvalOptions): Promise<EvalReport> {
  const log = o.log ?? (() => {});
  const root = realpathSync(o.truthDir);
  const all = truthFiles(root);
  const count = new Map<string, number>();
  for (const f of all) count.set(f.identity, (count.get(f.identity) ?? 0) + 1);
  const files = all.filter((f) => count.get(f.identity)! >= (o.minPhotos ?? 1));
  if (files.length === 0) throw new Error(`${o.truthDir} holds no identity sub-folders with images`);
  const tmp = o.library ? undefined : mkdtempSync(join(tmpdir(), 'facelens-eval-'));
  const dbPath = o.library ?? join(tmp!, 'library.db');
  const engine = Engine.open(dbPath);
  try {
    const t0 = performance.now();
    if (o.aligned) await importAligned(engine, files, log);
    else {
      const identities = [...new Set(files.map((f) => f.identity))];
      log(`importing ${files.length} photos of ${identities.length} identities from ${root}`);
      await engine.importFolders(files.length === all.length ? [root] : identities.map((i) => join(root, i)));
    }
    const importMs = Math.round(performance.now() - t0);
    const db = engine.db;
    const truth = labelledFaces(db, root);
    const wanted = new Set(files.map((f) => f.identity));
    for (const [face, who] of truth.labelled) if (!wanted.has(who)) truth.labelled.delete(face);
    const minQuality = o.minQuality ?? loadOptions.minQuality;
    const results: EvalReport['results'] = [];
    let gatedScored = 0;
    for (const [i, algorithm] of o.algorithms.entries()) {
      const t = performance.now();
      const r = await reclusterAsync(db, {
        algorithm,
        preview: true,
        minQuality,
        ...(i === 0 && o.options ? { options: o.options } : {}),
      });
      const ms = Math.round(performance.now() - t);
      const scored = scorePlan(r.plan, truth.labelled);
      gatedScored = scored.gatedScored;
      results.push({ algorithm, ms, scores: scored.scores, groups: scored.groups });
    }
    return {
      identities: new Set(truth.labelled.values()).size,
      photos: truth.photos,
      missedPhotos: truth.missed,
      faces: truth.faces,
      scored: truth.labelled.size,
      gatedScored,
      importMs,
      results,
    };
  } finally {
    await engine.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Scores a planned clustering against the truth (face id -> identity): the labelled faces' BCubed and pairwise
 * figures (a face the plan leaves in nobody is a cluster of its own), how many of them the quality gate kept out,
 * and the purity of small and large groups over every face the plan puts in them (see [Note: group purity]).
 */
export function scorePlan(
  plan: ReclusterPlan,
  labelled: ReadonlyMap<number, string>,
): { scores: ClusterScores; gatedScored: number; groups: GroupPurity } {
  const identityIds = new Map<string, number>();
  for (const t of labelled.values()) if (!identityIds.has(t)) identityIds.set(t, identityIds.size);
  const target = new Map<number, number>();
  plan.faceIds.forEach((f, j) => target.set(f, plan.target[j]!));
  const ids = [...labelled.keys()].sort((a, b) => a - b);
  const lowIds = new Set(plan.faceIds.subarray(plan.faceIds.length - plan.lowFaces));
  const compact = new Map<number, number>();
  const labels = ids.map((f) => {
    const p = target.get(f) ?? 0; // 0: unknown; < 0: a person the plan would create
    if (p === 0) return -1;
    if (!compact.has(p)) compact.set(p, compact.size);
    return compact.get(p)!;
  });
  const truthOf = (f: number) => {
    const t = labelled.get(f);
    return t === undefined ? -1 : identityIds.get(t)!;
  };
  return {
    scores: scoreClustering(
      ids.map((f) => identityIds.get(labelled.get(f)!)!),
      labels,
    ),
    gatedScored: ids.filter((f) => lowIds.has(f)).length,
    groups: groupPurity(Array.from(plan.faceIds, truthOf), plan.target),
  };
}

/** The largest face of each photo under `root`, with the identity its sub-folder names. */
export function labelledFaces(
  db: Db,
  root: string,
): { labelled: Map<number, string>; photos: number; missed: number; faces: number } {
  const rows = db
    .prepare(
      `SELECT fi.path, fi.photo_id, fa.id AS face_id, fa.w * fa.h AS area
         FROM files fi LEFT JOIN faces fa ON fa.photo_id = fi.photo_id
        WHERE fi.path LIKE ? ORDER BY fi.path, area DESC, fa.id`,
    )
    .all(`${root}${sep}%`) as { path: string; photo_id: number | null; face_id: number | null; area: number | null }[];
  const labelled = new Map<number, string>();
  const seenPhoto = new Set<number>();
  const seenPath = new Set<string>();
  let missed = 0;
  let faces = 0;
  for (const r of rows) {
    if (r.face_id !== null) faces++;
    if (seenPath.has(r.path)) continue;
    seenPath.add(r.path);
    if (r.photo_id === null || r.face_id === null) {
      missed++;
      continue;
    }
    if (seenPhoto.has(r.photo_id)) continue; // the same photo filed twice: scored once
    seenPhoto.add(r.photo_id);
    labelled.set(r.face_id, relative(root, r.path).split(sep)[0]!);
  }
  return { labelled, photos: seenPath.size, missed, faces };
}

/**
 * Aligned crops (celebs24) skip detection: each file is resized to 112x112 RGB and embedded as it is, stored as
 * one photo with one full-frame face whose landmarks are the template's and whose quality is its recognisability. Files already in the library are skipped.
 */
async function importAligned(
  engine: Engine,
  files: { identity: string; path: string }[],
  log: (l: string) => void,
): Promise<void> {
  const db = engine.db;
  const faces = new FaceStore(db);
  const embedder = activeEmbedder(db);
  const folder = db.prepare(
    'INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET path = excluded.path RETURNING id',
  );
  const known = db.prepare('SELECT 1 FROM files WHERE path = ?');
  const todo = files.filter((f) => !known.get(f.path));
  if (todo.length === 0) return;
  log(`embedding ${todo.length} aligned crops`);
  const vision = await engine.vision();
  const landmarks = Float32Array.from(ARCFACE_TEMPLATE.flatMap((p) => [p[0], p[1]]));
  const folderId = (folder.get(join(files[0]!.path, '..', '..'), Date.now()) as { id: number }).id;
  const insPhoto = db.prepare(
    `INSERT INTO photos (hash, width, height, orientation, status, processed_at, face_count) VALUES (?, ?, ?, 1, 'done', ?, 1)
     ON CONFLICT(hash) DO UPDATE SET hash = excluded.hash RETURNING id`,
  );
  const insFile = db.prepare(
    'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
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
      const hash = createHash('sha256').update(bytes).digest('hex');
      const photoId = (insPhoto.get(hash, ALIGNED_SIZE, ALIGNED_SIZE, Date.now()) as { id: number }).id;
      insFile.run(folderId, f.path, st.size, Math.round(st.mtimeMs), photoId, Date.now());
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
}
