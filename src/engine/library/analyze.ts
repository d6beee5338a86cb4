// Engine (library): one photo's analysis from its bytes: decode, detect, landmarks/align, embed, thumbnails (worker or main thread).
import type { FacePipeline } from '../vision/pipeline.js';
import type { FaceResult } from '../vision/types.js';
import { DecodeError, decodeImage } from '../image/decode.js';
import { renderThumb } from './thumbs.js';

export interface AnalyzeJob {
  /** The file's bytes, read (and hashed) by the importer. */
  bytes: Uint8Array;
  maxPixels: number;
  /** Pixels its header states, when it states them: what the analysis pool budgets (see [Note: pixels in flight]). */
  pixels?: number;
}

export type AnalyzeStage = 'decode' | 'detect' | 'describe' | 'thumbs';

export type AnalyzeResult =
  | { kind: 'failed'; code: string; reason: string; ms: Record<AnalyzeStage, number> }
  | {
      kind: 'done';
      image: { width: number; height: number; orientation: number; takenAt?: number };
      /** Largest first (as FacePipeline.analyze). */
      faces: FaceResult[];
      /** Each face's thumbnail JPEG, rendered from the decoded photo; undefined where it could not be. */
      thumbs: (Uint8Array | undefined)[];
      ms: Record<AnalyzeStage, number>;
    };

/**
 * Analyses one photo and never throws: a file that does not decode or whose analysis fails is a 'failed' result
 * with a reason for the user. The thumbnails are rendered here, beside the pixels, so the decoded photo never
 * leaves the thread that decoded it; the importer writes them under the face ids its commit gives
 * (see [Note: thumbnail journal]).
 */
export async function analyzePhoto(pipeline: FacePipeline, job: AnalyzeJob): Promise<AnalyzeResult> {
  const ms: Record<AnalyzeStage, number> = { decode: 0, detect: 0, describe: 0, thumbs: 0 };
  let t = performance.now();
  const lap = (stage: AnalyzeStage) => {
    const now = performance.now();
    ms[stage] += now - t;
    t = now;
  };
  let image;
  try {
    image = await decodeImage(job.bytes, { maxPixels: job.maxPixels });
  } catch (err) {
    lap('decode');
    if (err instanceof DecodeError) return { kind: 'failed', code: err.code, reason: err.message, ms };
    return { kind: 'failed', code: 'error', reason: (err as Error).message ?? String(err), ms };
  }
  lap('decode');
  let faces: FaceResult[];
  try {
    const dets = await pipeline.detect(image);
    lap('detect');
    dets.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h); // largest first, as FacePipeline.analyze
    faces = await pipeline.describeMany(image, dets);
    lap('describe');
  } catch (err) {
    return { kind: 'failed', code: 'analyze', reason: `face analysis failed: ${(err as Error).message}`, ms };
  }
  const thumbs = await Promise.all(faces.map((f) => renderThumb(image, f.box, f.landmarks).catch(() => undefined)));
  lap('thumbs');
  return {
    kind: 'done',
    image: {
      width: image.width,
      height: image.height,
      orientation: image.orientation,
      ...(image.takenAt !== undefined ? { takenAt: image.takenAt } : {}),
    },
    faces,
    thumbs: thumbs.map((b) => (b ? new Uint8Array(b) : undefined)), // own buffers (sharp's may be external memory)
    ms,
  };
}

/** The buffers of a result that a worker can hand over without copying. */
export function transferables(r: AnalyzeResult): ArrayBuffer[] {
  if (r.kind !== 'done') return [];
  const out = new Set<ArrayBuffer>();
  for (const f of r.faces) if (f.feature.buffer instanceof ArrayBuffer) out.add(f.feature.buffer);
  for (const b of r.thumbs)
    if (b && b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
      out.add(b.buffer);
  return [...out];
}
