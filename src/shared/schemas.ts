// Shared (every door and the renderer): zod schemas of the things the UI sees: folders, photos, faces, people, jobs, heads, curves.
import { z } from 'zod';
import { LOSS_BASES, LOSS_TERMS } from './losses.js';

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
  /** Faces the user placed in this person (confirm, move, split): kept by every re-cluster. */
  placedCount: z.int().nonnegative(),
  /** Faces the user said are not this person. */
  rejectedCount: z.int().nonnegative(),
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

/** Where face detection and recognition run (see [Note: execution providers]). */
export const Inference = z.object({
  /** The user's setting: 'auto' or one ONNX Runtime execution provider. */
  setting: z.enum(['auto', 'cuda', 'dml', 'coreml', 'cpu']),
  /** The provider in use, or the first one the setting plans to try until a model has loaded. */
  provider: z.enum(['cuda', 'dml', 'coreml', 'cpu']),
  loaded: z.boolean(),
  /** Providers tried first that could not load here, with ONNX Runtime's reason. */
  fallbacks: z.array(z.object({ provider: z.string(), error: z.string() })),
});
export type Inference = z.infer<typeof Inference>;

export const Stats = z.object({
  photos: z.int().nonnegative(),
  /** Files showing those photos (a moved or duplicate file shows a photo already counted). */
  files: z.int().nonnegative(),
  folders: z.int().nonnegative(),
  faces: z.int().nonnegative(),
  people: z.int().nonnegative(),
  /** Faces in nobody that pass the quality gate (the People page's Unknown tab). */
  unknownFaces: z.int().nonnegative(),
  /** Faces in nobody below the quality gate (the People page's Low quality tab). */
  lowQualityFaces: z.int().nonnegative(),
  failures: z.int().nonnegative(),
  indexSize: z.int().nonnegative(),
  activeHead: Id,
  backend: z.string(),
  inference: Inference,
});
export type Stats = z.infer<typeof Stats>;

export const Photo = z.object({
  id: Id,
  /** The photo's first file (null when no file shows it any more). */
  path: z.string().nullable(),
  /** Every file showing this photo (a copy or a moved file shows the same content). */
  files: z.array(z.string()),
  width: z.int().nullable(),
  height: z.int().nullable(),
  /** EXIF capture time (ms since the epoch), when the photo has one. */
  takenAt: z.number().nullable(),
  /** The photo's date in every list: EXIF capture time, else its file's time (see `dateSource`). */
  date: z.number().nullable(),
  dateSource: z.enum(['exif', 'file']).nullable(),
  faces: z.array(Face),
});
export type Photo = z.infer<typeof Photo>;

/** A photo as a list shows it (timeline, a person's photos, together, search): newest first by `date`. */
export const PhotoCard = z.object({
  id: Id,
  date: z.number().nullable(),
  dateSource: z.enum(['exif', 'file']).nullable(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  faces: z.int().nonnegative(),
});
export type PhotoCard = z.infer<typeof PhotoCard>;

/** Which photos a list holds: every chosen person in it, a folder (at or under), a date range [from, to). */
export const PhotoFilter = z.strictObject({
  personIds: z.array(Id).min(1).max(10).optional(),
  folder: z.string().min(1).max(4096).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
});
export type PhotoFilter = z.infer<typeof PhotoFilter>;

export const Similar = z.object({ face: Face, similarity: z.number() });

export const HistoryEntry = z.object({
  id: Id,
  kind: z.string(),
  summary: z.string(),
  at: z.number(),
  undone: z.boolean(),
  /** A face the entry is about (one it moved, or the person's cover), for a thumbnail beside the words; null when none is left. */
  faceId: Id.nullable(),
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
  /** The seed's CM2 uses 0.9: below 1 the angle is shrunk, which the guard keeps monotonic. */
  m1: z.number().min(0.5).max(4),
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
