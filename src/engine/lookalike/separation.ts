// Engine (lookalike): how well the library tells two people apart under a head (the active one by default), from stored features.
import { activeHeadId, headEmbed } from '../arcface/heads.js';
import type { Db } from '../store/db.js';
import { getPerson } from '../people/ops.js';
import { namedPeople, personFaces } from './faces.js';
import {
  crossScores,
  farThreshold,
  lookalikeOptions,
  separationStats,
  thresholdsWith,
  type FarPoint,
  type LookalikeOptions,
  type SeparationStats,
} from './stats.js';

export const separationOptions = {
  /** Faces of each other named person used to calibrate the FAR threshold (evenly spaced, deterministic). */
  calibrationFacesPerPerson: 50,
  /** At most this many faces in all for the calibration (bounds the work on a large library). */
  calibrationFaces: 5000,
  /** Faces of A and of B scored at most (evenly spaced): pairs grow as the product of the two. */
  maxFacesPerPerson: 2000,
};

export interface LibrarySeparation {
  a: { id: number; name: string | null; faces: number };
  b: { id: number; name: string | null; faces: number };
  headId: number;
  /** The FAR operating point, calibrated on other named people's pairs; null when they are too few. */
  farPoint: FarPoint | null;
  stats: SeparationStats;
}

/** Every m-th element so at most `max` remain (the first always kept). */
export function spread<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]!);
}

/**
 * The separation of persons `a` and `b` in the library under head `headId` (default: the active head), from the
 * faces' stored backbone features ([Note: why features are cached]), so any stored head can be compared without
 * activating it. See [Note: look-alike thresholds] for the thresholds reported. Every face of A and B counts
 * here, so under a head fine-tuned on them the faces it trained on flatter it: the honest before/after is the
 * held-out one a fine-tune stores ([Note: look-alike fine-tune]).
 */
export function separation(
  db: Db,
  a: number,
  b: number,
  headId?: number,
  opts: Partial<LookalikeOptions & typeof separationOptions> = {},
): LibrarySeparation {
  const o = { ...lookalikeOptions, ...separationOptions, ...opts };
  if (a === b) throw new Error('choose two different people');
  const head = headId ?? activeHeadId(db);
  const embed = headEmbed(db, head);
  const pa = personFaces(db, a);
  const pb = personFaces(db, b);
  const A = embed(spread(pa.features, o.maxFacesPerPerson));
  const B = embed(spread(pb.features, o.maxFacesPerPerson));
  const groups: Float32Array[][] = [];
  let budget = o.calibrationFaces;
  for (const id of namedPeople(db, [a, b])) {
    if (budget <= 0) break;
    const f = spread(personFaces(db, id).features, Math.min(o.calibrationFacesPerPerson, budget));
    if (f.length === 0) continue;
    budget -= f.length;
    groups.push(embed(f));
  }
  const point = farThreshold(crossScores(groups, o.maxCalibrationPairs), o.far) ?? null;
  return {
    a: { id: a, name: getPerson(db, a).name, faces: pa.features.length },
    b: { id: b, name: getPerson(db, b).name, faces: pb.features.length },
    headId: head,
    farPoint: point,
    stats: separationStats(A, B, thresholdsWith(point ?? undefined), { bins: o.bins }),
  };
}
