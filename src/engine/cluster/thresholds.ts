// Engine (cluster): the clustering, assignment and suggestion thresholds as points on the ROC of the user's named people.
import type { Db } from '../store/db.js';
import { PeopleStore } from '../store/people.js';
import { auc, roc, type RocPoint } from '../verify/metrics.js';
import { loadFaces, loadOptions } from './load.js';

export const thresholdOptions = {
  /** Named people need at least this many faces to take part (a mean of one face says little). */
  minFaces: 3,
  /** Impostor scores are sampled down to at most this many (deterministically). */
  maxImpostors: 200_000,
  minQuality: loadOptions.minQuality,
  /** ROC points kept for drawing. */
  rocPoints: 200,
};
export type ThresholdOptions = typeof thresholdOptions;

export interface ThresholdPoint {
  name: string;
  threshold: number;
  /** Share of a named person's faces that would be accepted into that person at this threshold. */
  tar: number;
  /** Share of (face, other named person) pairs that would wrongly be accepted at this threshold. */
  far: number;
}

export interface ThresholdReport {
  people: number;
  faces: number;
  genuine: number;
  impostor: number;
  auc: number | null;
  points: ThresholdPoint[];
  roc: RocPoint[];
}

/**
 * [Note: thresholds explained] Every threshold of clustering, assignment and suggestions compares a face with a
 * group: the mean cosine of the face to the group's faces (quality-aware: see [Note: quality-aware similarity]).
 * The user's named people give the ground truth for exactly that test: each face against its own person's mean
 * with the face itself left out (genuine), and against every other named person's mean (impostor). The resulting
 * ROC says what a threshold means in this library: "at 0.30, 94% of Ann's faces would join Ann, and 0.2% of faces
 * would join the wrong named person".
 * A library without at least two named people of `minFaces` faces has no such ROC yet (points come back empty).
 */
export function thresholdReport(
  db: Db,
  thresholds: { name: string; value: number }[],
  opts: Partial<ThresholdOptions> = {},
): ThresholdReport {
  const o = { ...thresholdOptions, ...opts };
  const loaded = loadFaces(db, { minQuality: o.minQuality });
  const { input, person } = loaded;
  const { dim, vectors } = input;
  const named = new Set(new PeopleStore(db).namedIds());
  const members = new Map<number, number[]>();
  for (let i = 0; i < input.n; i++) {
    const p = person[i]!;
    if (named.has(p)) members.set(p, [...(members.get(p) ?? []), i]);
  }
  const people = [...members.entries()].filter(([, m]) => m.length >= o.minFaces).sort((a, b) => a[0] - b[0]);
  const empty: ThresholdReport = {
    people: people.length,
    faces: 0,
    genuine: 0,
    impostor: 0,
    auc: null,
    points: [],
    roc: [],
  };
  if (people.length < 2) return empty;
  const sums = people.map(([, m]) => {
    const s = new Float64Array(dim);
    for (const i of m) for (let d = 0; d < dim; d++) s[d]! += vectors[i * dim + d]!;
    return s;
  });
  const genuine: number[] = [];
  const impostor: number[] = [];
  const totalImpostor = people.reduce((s, [, m]) => s + m.length, 0) * (people.length - 1);
  const keepEvery = Math.max(1, Math.ceil(totalImpostor / o.maxImpostors));
  let k = 0;
  people.forEach(([, m], a) => {
    for (const i of m) {
      const v = vectors.subarray(i * dim, (i + 1) * dim);
      people.forEach(([, m2], b) => {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += v[d]! * sums[b]![d]!;
        if (a === b)
          genuine.push((dot - 1) / (m2.length - 1)); // leave the face itself out (its self-dot is 1)
        else if (k++ % keepEvery === 0) impostor.push(dot / m2.length);
      });
    }
  });
  const rate = (xs: number[], t: number) => xs.filter((x) => x >= t).length / xs.length;
  const scores = [...genuine, ...impostor];
  const same = [...genuine.map(() => true), ...impostor.map(() => false)];
  const full = roc(scores, same);
  const step = Math.max(1, Math.floor(full.length / o.rocPoints));
  return {
    people: people.length,
    faces: genuine.length,
    genuine: genuine.length,
    impostor: impostor.length,
    auc: auc(scores, same),
    points: thresholds.map(({ name, value }) => ({
      name,
      threshold: value,
      tar: rate(genuine, value),
      far: rate(impostor, value),
    })),
    roc: full.filter((_, i) => i % step === 0 || i === full.length - 1),
  };
}
