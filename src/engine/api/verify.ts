// Engine (api): same person or not — two faces, two uploaded photos, ROC and histograms of heads on named people or a pairs file.
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isInside } from '../contained.js';
import sharp from 'sharp';
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { Evaluation } from '../../shared/schemas.js';
import { peopleDataset } from '../arcface/dataset.js';
import { featuresOf } from '../arcface/features.js';
import { activeHeadId, headEmbed } from '../arcface/heads.js';
import { decodeImage, DecodeError } from '../image/decode.js';
import { FaceStore } from '../store/faces.js';
import * as views from '../store/views.js';
import { dot, l2normalize } from '../vectors.js';
import { roc, summarize, type VerificationSummary } from '../verify/metrics.js';
import { loadPairs, PairsError, readPairs, type PairSet } from '../verify/pairs.js';
import { pairScores } from '../verify/score.js';
import type { Core } from './core.js';

/** Sizes of what the Verify page draws, in one place. */
export const evaluateOptions = { rocPoints: 400, seed: 7 };

export interface PairsOptions {
  /** Folder the pair paths are relative to. */
  root: string;
  /** The images are already 112x112 aligned crops: no detection. */
  aligned?: boolean;
  /** Feature of face + mirrored face. */
  flip?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface PairsResult extends VerificationSummary {
  failures: number;
  failed: { file: string; reason: string }[];
  images: number;
  folds: number;
  provider: string;
  ms: number;
}

export interface PairIdx {
  a: number[];
  b: number[];
  same: boolean[];
}

function push(p: PairIdx, i: number, j: number, same: boolean): void {
  p.a.push(i);
  p.b.push(j);
  p.same.push(same);
}

export class VerifyService implements Service<'verify'> {
  constructor(private readonly c: Core) {}

  /** Cosine similarity of two faces' active-head embeddings and the decision at the user's threshold. */
  faces(a: ParsedArgs<'verify.faces'>): Value<'verify.faces'> {
    const faces = new FaceStore(this.c.db);
    const active = activeHeadId(this.c.db);
    const of = (id: number) => {
      const e = faces.embedding(id);
      if (!e || e.headId !== active) throw new ApiError('not-found', `face ${id} has no embedding of the active head`);
      return e.vec;
    };
    const similarity = dot(of(a.faceA), of(a.faceB));
    const threshold = this.c.settings().verifyThreshold;
    return { similarity, threshold, same: similarity >= threshold, headId: active };
  }

  /** Two photos sent by value: the subject face of each (the largest), their crops and the decision. */
  async images(a: ParsedArgs<'verify.images'>): Promise<Value<'verify.images'>> {
    const [fa, fb] = [await this.#subject(a.a.base64, a.a.name), await this.#subject(a.b.base64, a.b.name)];
    const threshold = this.c.settings().verifyThreshold;
    const [cropA, cropB] = [await cropUrl(fa?.aligned), await cropUrl(fb?.aligned)];
    if (!fa || !fb)
      return {
        similarity: null,
        threshold,
        same: false,
        cropA,
        cropB,
        message: `no face found in ${!fa ? a.a.name : a.b.name}`,
      };
    const [ea, eb] = headEmbed(this.c.db, activeHeadId(this.c.db))([fa.feature, fb.feature]);
    const similarity = dot(ea!, eb!);
    return { similarity, threshold, same: similarity >= threshold, cropA, cropB, message: null };
  }

  /** ROC, histograms and summary figures of heads on the user's named people or on a pairs file. */
  async evaluate(a: ParsedArgs<'verify.evaluate'>): Promise<Value<'verify.evaluate'>> {
    const heads = views.heads(this.c.db);
    // By default: the identity head, the active one and the three newest, so a new head is compared with the old.
    const newest = new Set(heads.slice(-3).map((h) => h.id));
    const chosen = a.headIds?.length
      ? heads.filter((h) => a.headIds!.includes(h.id))
      : heads.filter((h) => h.active || h.kind === 'identity' || newest.has(h.id));
    if (!chosen.length) throw new ApiError('not-found', 'none of those heads exists');
    let features: Float32Array[];
    let pairs: PairIdx;
    if (a.source.kind === 'people') {
      const d = peopleDataset(this.c.db);
      if (d.identities.length < 2)
        throw new ApiError(
          'conflict',
          'name at least two people (two or more faces each) to evaluate on your own people',
        );
      features = d.features;
      pairs = peoplePairs(d.labels, a.maxPairs);
    } else {
      // [Note: paths are capabilities]: the pairs file and its root must be chosen, and no pair may leave the root.
      const pairsFile = await this.c.grants.check(a.source.pairsFile, 'the pairs file');
      const root = await this.c.grants.check(a.source.root, 'the folder of the pairs');
      const aligned = a.source.aligned;
      const set = await readPairSet(pairsFile);
      const chosenPairs = set.pairs.slice(0, a.maxPairs);
      const files = [...new Set(chosenPairs.flatMap((p) => [p.a, p.b]))];
      const outside = () => new ApiError('invalid-args', 'the pairs file names images outside its folder');
      if (files.some((f) => !isInside(root, resolve(root, f)))) throw outside();
      for (const f of files) {
        const real = await realpath(resolve(root, f)).catch(() => undefined); // a missing image is a failed pair
        if (real !== undefined && !isInside(root, real)) throw outside(); // a link out of the folder
      }
      const got = await featuresOf(
        this.c.db,
        files.map((f) => join(root, f)),
        { aligned, pipeline: () => this.c.vision() },
      );
      const index = new Map<string, number>();
      features = [];
      for (const f of files) {
        const r = got.get(join(root, f));
        if (r && 'feature' in r) index.set(f, features.push(r.feature) - 1);
      }
      pairs = { a: [], b: [], same: [] };
      for (const p of chosenPairs) {
        const i = index.get(p.a);
        const j = index.get(p.b);
        if (i !== undefined && j !== undefined) push(pairs, i, j, p.same);
      }
    }
    return chosen.map((h) =>
      evaluateHead(h.id, h.name + (h.active ? ' (active)' : ''), headEmbed(this.c.db, h.id)(features), pairs),
    );
  }

  /**
   * Accuracy of the recognizer on a pairs file (LFW pairs.txt or CSV), k-fold with the threshold chosen on the
   * other folds, as `facelens verify` prints it. Features come through the content-hash cache the training and
   * the Verify page share ([Note: training feature cache]): a second run decodes nothing.
   */
  async pairs(pairsFile: string, o: PairsOptions): Promise<PairsResult> {
    const t0 = performance.now();
    const set = pairSet(pairsFile);
    const files = [...new Set(set.pairs.flatMap((x) => [x.a, x.b]))];
    const got = await featuresOf(
      this.c.db,
      files.map((f) => join(o.root, f)),
      {
        aligned: o.aligned ?? false,
        flip: o.flip ?? false,
        pipeline: () => this.c.vision(),
        ...(o.onProgress ? { onProgress: (done: number, total: number) => o.onProgress!(done, total) } : {}),
      },
    );
    const emb = new Map<string, Float32Array>();
    const failed: { file: string; reason: string }[] = [];
    for (const f of files) {
      const r = got.get(join(o.root, f))!;
      if ('feature' in r) emb.set(f, l2normalize(r.feature));
      else failed.push({ file: f, reason: r.reason });
    }
    const scores = pairScores(set, emb);
    const summary = summarize(
      scores,
      set.pairs.map((x) => x.same),
      set.pairs.map((x) => x.fold),
    );
    return {
      ...summary,
      failures: failed.length,
      failed,
      images: files.length,
      folds: set.folds,
      provider: this.c.inference().provider,
      ms: performance.now() - t0,
    };
  }

  /** The subject face of an uploaded photo: the largest one. */
  async #subject(b64: string, name: string) {
    let image;
    try {
      image = await decodeImage(Buffer.from(b64, 'base64'));
    } catch (err) {
      if (err instanceof DecodeError) throw new ApiError('invalid-args', `${name}: ${err.message}`);
      throw err;
    }
    const faces = await (await this.c.vision()).analyze(image, { keepAligned: true });
    return faces.sort((x, y) => y.box.w * y.box.h - x.box.w * x.box.h)[0];
  }
}

function pairSet(file: string): PairSet {
  try {
    return loadPairs(file);
  } catch (err) {
    if (err instanceof PairsError) throw new ApiError('invalid-args', err.message);
    throw err;
  }
}

async function readPairSet(file: string): Promise<PairSet> {
  try {
    return await readPairs(file);
  } catch (err) {
    if (err instanceof PairsError) throw new ApiError('invalid-args', err.message);
    throw err;
  }
}

/** Every same-person pair and as many sampled different-person pairs (seeded), at most `max` pairs in all. */
export function peoplePairs(labels: readonly number[], max: number, seed = evaluateOptions.seed): PairIdx {
  const out: PairIdx = { a: [], b: [], same: [] };
  const n = labels.length;
  const half = Math.floor(max / 2);
  const pos: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] === labels[j]) pos.push([i, j]);
  let s = seed >>> 0 || 1;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let k = pos.length - 1; k > 0; k--) {
    const r = Math.floor(rand() * (k + 1));
    [pos[k], pos[r]] = [pos[r]!, pos[k]!];
  }
  for (const [i, j] of pos.slice(0, half)) push(out, i, j, true);
  const negWanted = max - out.a.length;
  const negTotal = (n * (n - 1)) / 2 - pos.length;
  if (negTotal <= negWanted) {
    // Few faces: every different-person pair, once.
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] !== labels[j]) push(out, i, j, false);
    return out;
  }
  const seen = new Set<number>();
  for (let tries = 0; seen.size < negWanted && tries < negWanted * 20; tries++) {
    const x = Math.floor(rand() * n);
    const y = Math.floor(rand() * n);
    const [i, j] = x < y ? [x, y] : [y, x];
    if (labels[i] === labels[j] || seen.has(i * n + j)) continue;
    seen.add(i * n + j);
    push(out, i, j, false);
  }
  return out;
}

/** One head's figures on (features, pairs): the summary, a thinned ROC for drawing, and the raw scores. */
export function evaluateHead(
  headId: number,
  headName: string,
  emb: readonly Float32Array[],
  pairs: PairIdx,
): Evaluation {
  const scores = pairs.a.map((i, k) => dot(emb[i]!, emb[pairs.b[k]!]!));
  if (!pairs.same.some(Boolean) || pairs.same.every(Boolean))
    throw new ApiError(
      'conflict',
      'evaluation needs same-person and different-person pairs: name at least two people with two or more faces each',
    );
  const sum = summarize(scores, pairs.same);
  const curve = roc(scores, pairs.same);
  const step = Math.max(1, Math.ceil(curve.length / evaluateOptions.rocPoints));
  const thin = curve.filter((_, i) => i % step === 0 || i === curve.length - 1);
  return {
    headId,
    headName,
    pairs: scores.length,
    auc: sum.auc,
    eer: sum.eer,
    accuracy: sum.accuracy,
    threshold: sum.threshold,
    tarAtFar1e2: sum.tarAtFar1e2,
    tarAtFar1e3: sum.tarAtFar1e3,
    roc: {
      far: thin.map((p) => p.far),
      tar: thin.map((p) => p.tar),
      thresholds: thin.map((p) => (Number.isFinite(p.threshold) ? p.threshold : 1)),
    },
    genuine: scores.filter((_, k) => pairs.same[k]),
    impostor: scores.filter((_, k) => !pairs.same[k]),
  };
}

async function cropUrl(aligned: Uint8Array | undefined): Promise<string | null> {
  if (!aligned) return null;
  const jpg = await sharp(Buffer.from(aligned), { raw: { width: 112, height: 112, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpg.toString('base64')}`;
}
