// Engine (cluster): clustering quality on a labelled folder (one sub-folder per identity) through the real import pipeline.
import { mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import { IMAGE_EXTENSIONS } from '../image/decode.js';
import type { Db } from '../store/db.js';
import { PhotoStore } from '../store/photos.js';
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

/** The library a truth folder is imported into: the engine facade opens it (see api/evaluate.ts). */
export interface EvalLibrary {
  readonly db: Db;
  importFolders(paths: string[]): Promise<unknown>;
  importAligned(files: { identity: string; path: string }[], log: (line: string) => void): Promise<unknown>;
  close(): Promise<void>;
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
 * "Largest face" means the largest that passes the quality gate, when one does: in 8 of celeba-wild's 1,140 photos
 * the largest box is one the gate keeps out (a dress, a boot, a bikini, a torso, a blur, once someone else's face
 * turned away), and the person is a smaller face beside it (7 of those 8 were already in their person's group).
 * Scoring that box as the person counted it as the person's face left out: BCubed F 0.939 under the old rule,
 * 0.944 under this one (density 0.894 -> 0.899); LFW moves 7 labels and scores the same. A photo whose faces all
 * fail the gate still labels its largest, so a gated face of the person still counts against the score.
 */
export async function evaluateClusters(o: EvalOptions, open: (dbPath: string) => EvalLibrary): Promise<EvalReport> {
  const log = o.log ?? (() => {});
  const root = realpathSync(o.truthDir);
  const all = truthFiles(root);
  const count = new Map<string, number>();
  for (const f of all) count.set(f.identity, (count.get(f.identity) ?? 0) + 1);
  const files = all.filter((f) => count.get(f.identity)! >= (o.minPhotos ?? 1));
  if (files.length === 0) throw new Error(`${o.truthDir} holds no identity sub-folders with images`);
  const tmp = o.library ? undefined : mkdtempSync(join(tmpdir(), 'facelens-eval-'));
  const dbPath = o.library ?? join(tmp!, 'library.db');
  const engine = open(dbPath);
  try {
    const t0 = performance.now();
    if (o.aligned) await engine.importAligned(files, log);
    else {
      const identities = [...new Set(files.map((f) => f.identity))];
      log(`importing ${files.length} photos of ${identities.length} identities from ${root}`);
      await engine.importFolders(files.length === all.length ? [root] : identities.map((i) => join(root, i)));
    }
    const importMs = Math.round(performance.now() - t0);
    const db = engine.db;
    const minQuality = o.minQuality ?? loadOptions.minQuality;
    const truth = labelledFaces(db, root, minQuality);
    const wanted = new Set(files.map((f) => f.identity));
    for (const [face, who] of truth.labelled) if (!wanted.has(who)) truth.labelled.delete(face);
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

/**
 * The face of each photo under `root` that shows the person its sub-folder names: its largest face that passes the
 * quality gate, or its largest face when none passes (see [Note: eval-clusters]).
 */
export function labelledFaces(
  db: Db,
  root: string,
  minQuality = loadOptions.minQuality,
): { labelled: Map<number, string>; photos: number; missed: number; faces: number } {
  const rows = new PhotoStore(db).filesWithFacesUnder(root, minQuality);
  const labelled = new Map<number, string>();
  const seenPhoto = new Set<number>();
  const seenPath = new Set<string>();
  let missed = 0;
  const faces = new Set<number>(); // a photo filed twice lists its faces twice
  for (const r of rows) {
    if (r.face_id !== null) faces.add(r.face_id);
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
  return { labelled, photos: seenPath.size, missed, faces: faces.size };
}
