// Engine (backup): the backup file's shape (zod): people, names, assignments, rejections, hand-drawn faces, heads.
import { z } from 'zod';

/**
 * [Note: backup face references] A backup holds what the user said, not photos. A face is referred to by its photo's
 * content hash and its box, so a backup still applies after the library is rebuilt from the same photos (new face
 * ids): on restore each reference is matched to the face of that photo whose box overlaps it most (IoU).
 * Hand-drawn faces are kept whole (box, landmarks, feature), since no detector would find them again.
 */
export const FaceRef = z.object({
  photo: z.string().regex(/^[0-9a-f]{64}$/),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type FaceRef = z.infer<typeof FaceRef>;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const BackupV1 = z.object({
  format: z.literal('facelens-backup'),
  version: z.literal(1),
  createdAt: z.number(),
  people: z.array(
    z.object({
      key: z.number().int(),
      name: z.string().nullable(),
      hidden: z.boolean(),
      pinned: z.boolean(),
      cover: FaceRef.nullable(),
    }),
  ),
  assignments: z.array(z.object({ face: FaceRef, person: z.number().int(), source: z.enum(['auto', 'user']) })),
  rejections: z.array(z.object({ face: FaceRef, person: z.number().int() })),
  manualFaces: z.array(
    z.object({
      face: FaceRef,
      score: z.number(),
      quality: z.number().nullable(),
      landmarks: z.array(z.number()).length(10),
      feature: Base64,
    }),
  ),
  heads: z.array(
    z.object({
      key: z.number().int(),
      name: z.string(),
      kind: z.enum(['identity', 'trained', 'finetuned']),
      parent: z.number().int().nullable(),
      createdAt: z.number(),
      active: z.boolean(),
      config: z.unknown(),
      metrics: z.unknown(),
      weights: Base64.nullable(),
    }),
  ),
});
export type Backup = z.infer<typeof BackupV1>;
