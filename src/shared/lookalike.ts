// Shared (every door and the renderer): zod schemas of the look-alike reports (separation of two people, before/after a fine-tune).
import { z } from 'zod';

const rate = z.number().min(0).max(1);

export const ThresholdRate = z.object({
  name: z.string(),
  threshold: z.number(),
  pairFmr: rate,
  faceFmr: rate,
  pairTar: rate,
  faceTar: rate,
});

/** Score histograms share fixed bins over cosine [-1, 1]: bin i covers [-1 + i·2/bins, -1 + (i+1)·2/bins). */
export const SeparationStats = z.object({
  faces: z.object({ a: z.int().nonnegative(), b: z.int().nonnegative() }),
  bins: z.int().positive(),
  impostor: z.object({ pairs: z.int().nonnegative(), mean: z.number(), max: z.number(), histogram: z.array(z.int()) }),
  genuine: z.object({ pairs: z.int().nonnegative(), mean: z.number(), min: z.number(), histogram: z.array(z.int()) }),
  auc: z.number().nullable(),
  rates: z.array(ThresholdRate),
});

export const FarPoint = z.object({ far: z.number(), threshold: z.number(), pairs: z.int().nonnegative() });

export const LibrarySeparation = z.object({
  a: z.object({ id: z.int(), name: z.string().nullable(), faces: z.int().nonnegative() }),
  b: z.object({ id: z.int(), name: z.string().nullable(), faces: z.int().nonnegative() }),
  headId: z.int(),
  farPoint: FarPoint.nullable(),
  stats: SeparationStats,
});

const HeadSeparation = z.object({ headId: z.int().nullable(), farPoint: FarPoint.nullable(), stats: SeparationStats });
const counts = z.object({ a: z.int().nonnegative(), b: z.int().nonnegative(), total: z.int().nonnegative() });

/** The before/after of a look-alike fine-tune, on held-out faces (stored with the new head). */
export const LookalikeReport = z.object({
  a: z.object({ label: z.string(), personId: z.int().nullable() }),
  b: z.object({ label: z.string(), personId: z.int().nullable() }),
  identities: z.int().nonnegative(),
  holdout: z.number(),
  seed: z.int(),
  split: z.object({ train: counts, test: counts }),
  startHeadId: z.int(),
  headId: z.int().nullable(),
  loss: z.string(),
  epochs: z.int().nonnegative(),
  backend: z.string(),
  seconds: z.number(),
  cancelled: z.boolean(),
  before: HeadSeparation,
  after: HeadSeparation,
});

export type LibrarySeparation = z.infer<typeof LibrarySeparation>;
export type LookalikeReport = z.infer<typeof LookalikeReport>;
export type SeparationStats = z.infer<typeof SeparationStats>;
