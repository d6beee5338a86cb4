// Shared (every door and the renderer): zod schemas of the things the UI sees: folders, photos, faces, people, jobs, heads, curves.
import { z } from 'zod';

export const Id = z.int().positive();
export const Box = z.object({ x: z.number(), y: z.number(), w: z.number().nonnegative(), h: z.number().nonnegative() });

export const Face = z.object({
  id: Id,
  photoId: Id,
  box: Box,
  score: z.number(),
  quality: z.number().nullable(),
  lowQuality: z.boolean(),
  personId: Id.nullable(),
  personName: z.string().nullable(),
  source: z.enum(['auto', 'manual']),
  /** 'user' when the user placed this face in its person (confirm, move, split): kept by every re-cluster. */
  assignedBy: z.enum(['auto', 'user']).nullable(),
});
export type Face = z.infer<typeof Face>;

export const Person = z.object({
  id: Id,
  name: z.string().nullable(),
  faceCount: z.int().nonnegative(),
  coverFaceId: Id.nullable(),
  hidden: z.boolean(),
});
export type Person = z.infer<typeof Person>;

export const Page = <T extends z.ZodType>(item: T) => z.object({ total: z.int().nonnegative(), items: z.array(item) });

export const Folder = z.object({
  id: Id,
  path: z.string(),
  addedAt: z.number(),
  lastScanAt: z.number().nullable(),
  files: z.int().nonnegative(),
  failures: z.int().nonnegative(),
});
export type Folder = z.infer<typeof Folder>;

export const Failure = z.object({ path: z.string(), code: z.string(), reason: z.string(), at: z.number() });
export type Failure = z.infer<typeof Failure>;

export const Stats = z.object({
  photos: z.int().nonnegative(),
  faces: z.int().nonnegative(),
  people: z.int().nonnegative(),
  unknownFaces: z.int().nonnegative(),
  failures: z.int().nonnegative(),
  indexSize: z.int().nonnegative(),
  backend: z.string(),
});
export type Stats = z.infer<typeof Stats>;

export const Photo = z.object({
  id: Id,
  path: z.string().nullable(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  takenAt: z.number().nullable(),
  faces: z.array(Face),
});
export type Photo = z.infer<typeof Photo>;

export const Similar = z.object({ face: Face, similarity: z.number() });

export const HistoryEntry = z.object({
  id: Id,
  kind: z.string(),
  summary: z.string(),
  at: z.number(),
  undone: z.boolean(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const JobKind = z.enum(['import', 'train', 'cluster', 'evaluate']);
export const JobStatus = z.enum(['queued', 'scanning', 'importing', 'running', 'complete', 'failed', 'cancelled']);
export const Job = z.object({
  id: z.string(),
  kind: JobKind,
  status: JobStatus,
  startedAt: z.number(),
  message: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

/** Base losses of the margin family, as the arcface engine names them; extra terms are added with '+'. */
export const LOSS_BASES = [
  'softmax',
  'ns',
  'sphereface',
  'asoftmax',
  'cosface',
  'arcface',
  'cm1',
  'cm2',
  'combined',
  'triplet',
] as const;
export const LOSS_TERMS = ['intra', 'inter', 'triplet'] as const;
/** A loss name such as 'arcface' or 'ns+intra+inter' (the engine checks the combination). */
export const Loss = z
  .string()
  .max(60)
  .regex(
    new RegExp(`^(${LOSS_BASES.join('|')})(\\+(${LOSS_TERMS.join('|')}))*$`),
    'a base loss optionally followed by +intra, +inter or +triplet',
  );
export type Loss = z.infer<typeof Loss>;

/** Margins of the combined target logit s*(cos(m1*theta + m2) - m3). */
export const Margins = z.object({
  s: z.number().positive().max(128),
  m1: z.number().min(1).max(4),
  m2: z.number().min(0).max(1.5),
  m3: z.number().min(0).max(1),
});
export type Margins = z.infer<typeof Margins>;

export const Curve = z.object({ label: z.string(), x: z.array(z.number()), y: z.array(z.number()) });
export type Curve = z.infer<typeof Curve>;

export const Head = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['identity', 'trained', 'finetuned']),
  active: z.boolean(),
  createdAt: z.number(),
  config: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
});
export type Head = z.infer<typeof Head>;

/** Verification figures of one head on one pair set: what the Verify page draws. */
export const Evaluation = z.object({
  headId: Id,
  headName: z.string(),
  pairs: z.int().nonnegative(),
  auc: z.number(),
  eer: z.number(),
  accuracy: z.number(),
  threshold: z.number(),
  tarAtFar1e2: z.number(),
  tarAtFar1e3: z.number(),
  /** ROC sampled for drawing: false accept rate and true accept rate at each threshold. */
  roc: z.object({ far: z.array(z.number()), tar: z.array(z.number()), thresholds: z.array(z.number()) }),
  /** Raw pair scores, so the slider can compute FAR/TAR/accuracy at any threshold without a round trip. */
  genuine: z.array(z.number()),
  impostor: z.array(z.number()),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const Settings = z.object({
  /** Cosine similarity above which two faces are called the same person on the Verify page. */
  verifyThreshold: z.number().min(-1).max(1),
  /** Similarity above which a new face joins an existing person without asking. */
  assignThreshold: z.number().min(-1).max(1),
  /** Similarity above which a face is offered as "Is this X?". */
  suggestThreshold: z.number().min(-1).max(1),
  /** Faces with quality below this stay out of clustering and training ("low quality"). */
  minQuality: z.number().min(0).max(1),
  /**
   * Where face detection and recognition run: 'auto' (the best this machine has: CUDA, DirectML or CoreML, else
   * the CPU) or one ONNX Runtime execution provider, which falls back to the CPU when it cannot load.
   */
  inferenceProvider: z.enum(['auto', 'cuda', 'dml', 'coreml', 'cpu']),
});
export type Settings = z.infer<typeof Settings>;
