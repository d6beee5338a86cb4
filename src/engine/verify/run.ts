// Engine (verify): embeds each distinct image of a pair set once (decode overlapping inference) and scores the pairs.
import { join } from 'node:path';
import { decodeImage, DecodeError, type DecodedImage } from '../library/decode.js';
import type { FacePipeline } from '../vision/pipeline.js';
import type { Detection } from '../vision/types.js';
import { cosine, summarize, type VerificationSummary } from './metrics.js';
import type { PairSet } from './pairs.js';

export interface Failure {
  file: string;
  reason: string;
}

export interface VerifyOptions {
  root: string;
  /** The images are already 112x112 aligned crops: no detection. */
  aligned?: boolean;
  /** Feature of face + mirrored face. */
  flip?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface VerifyResult extends VerificationSummary {
  failures: number;
  failed: Failure[];
  images: number;
  scores: number[];
  ms: number;
}

/** Score given to a pair when a face is missing: the lowest cosine, so the pair is called "different". */
export const FAILED_PAIR_SCORE = -1;

/**
 * The subject of a portrait-style image: among faces at least half as large as the largest, the one nearest the
 * centre (LFW images are centred on their subject; a bigger bystander can stand near the edge).
 */
export function pickSubject(dets: Detection[], width: number, height: number): Detection | undefined {
  if (dets.length === 0) return undefined;
  const area = (d: Detection) => d.box.w * d.box.h;
  const largest = Math.max(...dets.map(area));
  const dist = (d: Detection) => Math.hypot(d.box.x + d.box.w / 2 - width / 2, d.box.y + d.box.h / 2 - height / 2);
  return dets.filter((d) => area(d) >= largest / 2).sort((a, b) => dist(a) - dist(b))[0];
}

async function featureOf(p: FacePipeline, img: DecodedImage, o: VerifyOptions): Promise<Float32Array> {
  if (o.aligned) {
    if (img.width !== 112 || img.height !== 112)
      throw new Error(`not a 112x112 aligned crop (${img.width}x${img.height})`);
    return (await p.embedAligned([img.data], o.flip))[0]!;
  }
  const subject = pickSubject(await p.detect(img), img.width, img.height);
  if (!subject) throw new Error('no face found');
  return (await p.describe(img, subject, { flip: o.flip ?? false })).feature;
}

export async function runVerification(p: FacePipeline, set: PairSet, o: VerifyOptions): Promise<VerifyResult> {
  const t0 = performance.now();
  const files = [...new Set(set.pairs.flatMap((x) => [x.a, x.b]))];
  const features = new Map<string, Float32Array>();
  const failed: Failure[] = [];
  const load = (f: string) =>
    decodeImage(join(o.root, f)).then(
      (img) => ({ img }),
      (err: unknown) => ({ err }),
    );
  let next = files.length ? load(files[0]!) : undefined;
  for (let i = 0; i < files.length; i++) {
    const got = await next!;
    next = i + 1 < files.length ? load(files[i + 1]!) : undefined; // decode the next image while this one runs
    const file = files[i]!;
    try {
      if ('err' in got) throw got.err;
      features.set(file, await featureOf(p, got.img, o));
    } catch (err) {
      failed.push({
        file,
        reason: err instanceof DecodeError ? `${err.code}: ${err.message}` : (err as Error).message,
      });
    }
    o.onProgress?.(i + 1, files.length);
  }
  const scores = set.pairs.map((x) => {
    const fa = features.get(x.a), fb = features.get(x.b); // prettier-ignore
    return fa && fb ? cosine(fa, fb) : FAILED_PAIR_SCORE;
  });
  const summary = summarize(
    scores,
    set.pairs.map((x) => x.same),
    set.pairs.map((x) => x.fold),
  );
  return { ...summary, failures: failed.length, failed, images: files.length, scores, ms: performance.now() - t0 };
}
