// Engine (arcface): training sets (labelled folders or the people named in the library) and the seeded held-out split.
import type { Db } from '../store/db.js';
import { PeopleStore } from '../store/people.js';
import { rng, shuffle } from '../random.js';
import { FEATURE_DIM, featuresOf, listLabelled, shown, type FeatureOptions } from './features.js';

export const DATASET_OPTIONS = {
  /** Identities with fewer usable faces than this are left out (a class needs a train and a held-out face). */
  minFacesPerIdentity: 2,
};

/** Features with integer labels 0..identities.length-1. */
export interface Dataset {
  identities: string[];
  features: Float32Array[];
  labels: number[];
  /** Where each face came from (file path relative to the root, or 'face:ID'). */
  sources: string[];
  failures: { file: string; reason: string }[];
}

/** DIR/<person>/... photos, features through the cache ([Note: training feature cache]). */
export async function labelledDataset(db: Db, root: string, o: FeatureOptions): Promise<Dataset> {
  const files = listLabelled(root);
  if (files.length === 0)
    throw new Error(`no photos under ${root}: expected one folder per person (DIR/<person>/<photo>)`);
  const feats = await featuresOf(
    db,
    files.map((f) => f.path),
    o,
  );
  const byId = new Map<string, { features: Float32Array[]; sources: string[] }>();
  const failures: Dataset['failures'] = [];
  for (const f of files) {
    const r = feats.get(f.path)!;
    if ('reason' in r) {
      failures.push({ file: shown(root, f.path), reason: r.reason });
      continue;
    }
    const e = byId.get(f.identity) ?? { features: [], sources: [] };
    e.features.push(r.feature);
    e.sources.push(shown(root, f.path));
    byId.set(f.identity, e);
  }
  return assemble(byId, failures);
}

/** The faces the user placed or the clustering assigned to named people in the library (user-placed first). */
export function peopleDataset(db: Db, opts: { userOnly?: boolean; personIds?: readonly number[] } = {}): Dataset {
  const only = opts.personIds ? new Set(opts.personIds) : undefined;
  const rows = new PeopleStore(db).namedFaces(opts.userOnly ?? false);
  const byId = new Map<string, { features: Float32Array[]; sources: string[] }>();
  for (const r of rows) {
    if (only && !only.has(r.personId)) continue;
    const e = byId.get(r.name) ?? { features: [], sources: [] };
    e.features.push(r.feature);
    e.sources.push(`face:${r.id}`);
    byId.set(r.name, e);
  }
  return assemble(byId, []);
}

function assemble(
  byId: Map<string, { features: Float32Array[]; sources: string[] }>,
  failures: Dataset['failures'],
): Dataset {
  const ds: Dataset = { identities: [], features: [], labels: [], sources: [], failures };
  for (const [name, e] of [...byId].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (e.features.length < DATASET_OPTIONS.minFacesPerIdentity) {
      failures.push({
        file: name,
        reason: `identity left out: ${e.features.length} usable face(s), needs ${DATASET_OPTIONS.minFacesPerIdentity}`,
      });
      continue;
    }
    const label = ds.identities.length;
    ds.identities.push(name);
    ds.features.push(...e.features);
    ds.sources.push(...e.sources);
    for (let i = 0; i < e.features.length; i++) ds.labels.push(label);
  }
  return ds;
}

/**
 * The held-out split: within each identity a seeded shuffle, then round(holdout·n) faces held out, keeping at
 * least one face on each side. Indices into the dataset, ascending.
 */
export function splitHoldout(
  labels: readonly number[],
  holdout: number,
  seed: number,
): { train: number[]; test: number[] } {
  if (!(holdout >= 0 && holdout < 1)) throw new Error(`--holdout must be in [0, 1), got ${holdout}`);
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  const r = rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const [, idx] of [...byLabel].sort((a, b) => a[0] - b[0])) {
    shuffle(idx, r);
    let k = Math.round(holdout * idx.length);
    if (holdout > 0) k = Math.min(Math.max(k, 1), idx.length - 1);
    test.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Rows `idx` of `features` packed into one N × D array. */
export function pack(features: readonly Float32Array[], idx: readonly number[], dim = FEATURE_DIM): Float32Array {
  const out = new Float32Array(idx.length * dim);
  idx.forEach((i, k) => out.set(features[i]!, k * dim));
  return out;
}
