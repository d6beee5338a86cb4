// Engine (host): contract handlers for verification — two photos, and ROC/histograms of any heads on the user's named people or a pairs file.
import { join } from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../shared/result.js';
import type { Evaluation } from '../../shared/schemas.js';
import type { Engine } from '../engine.js';
import { decodeImage, DecodeError } from '../library/decode.js';
import { peopleDataset } from '../arcface/dataset.js';
import { featuresOf } from '../arcface/features.js';
import { activeHeadId, headEmbed } from '../arcface/heads.js';
import { loadPairs, PairsError } from '../verify/pairs.js';
import { roc, summarize } from '../verify/metrics.js';
import * as q from './queries.js';
import type { Handlers, HostContext } from './context.js';

/** Sizes of what the Verify page draws, in one place. */
export const evaluateOptions = { rocPoints: 400, seed: 7 };

interface PairIdx {
  a: number[];
  b: number[];
  same: boolean[];
}

function push(p: PairIdx, i: number, j: number, same: boolean): void {
  p.a.push(i);
  p.b.push(j);
  p.same.push(same);
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

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
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

export function verifyHandlers(engine: Engine): Handlers {
  /** The subject face of an uploaded photo: the largest one. */
  async function subject(b64: string, name: string) {
    let image;
    try {
      image = await decodeImage(Buffer.from(b64, 'base64'));
    } catch (err) {
      if (err instanceof DecodeError) throw new ApiError('invalid-args', `${name}: ${err.message}`);
      throw err;
    }
    const faces = await (await engine.vision()).analyze(image, { keepAligned: true });
    return faces.sort((x, y) => y.box.w * y.box.h - x.box.w * x.box.h)[0];
  }

  return {
    'verify.images': async (a, ctx) => {
      const [fa, fb] = [await subject(a.a.base64, a.a.name), await subject(a.b.base64, a.b.name)];
      const threshold = ctx.settings().verifyThreshold;
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
      const [ea, eb] = headEmbed(ctx.db, activeHeadId(ctx.db))([fa.feature, fb.feature]);
      const similarity = dot(ea!, eb!);
      return { similarity, threshold, same: similarity >= threshold, cropA, cropB, message: null };
    },
    'verify.evaluate': async (a, ctx: HostContext) => {
      const heads = q.heads(ctx.db);
      // By default: the identity head, the active one and the three newest, so a new head is compared with the old.
      const newest = new Set(heads.slice(-3).map((h) => h.id));
      const chosen = a.headIds?.length
        ? heads.filter((h) => a.headIds!.includes(h.id))
        : heads.filter((h) => h.active || h.kind === 'identity' || newest.has(h.id));
      if (!chosen.length) throw new ApiError('not-found', 'none of those heads exists');
      let features: Float32Array[];
      let pairs: PairIdx;
      if (a.source.kind === 'people') {
        const d = peopleDataset(ctx.db);
        if (d.identities.length < 2)
          throw new ApiError(
            'conflict',
            'name at least two people (two or more faces each) to evaluate on your own people',
          );
        features = d.features;
        pairs = peoplePairs(d.labels, a.maxPairs);
      } else {
        const { pairsFile, root, aligned } = a.source;
        let set;
        try {
          set = loadPairs(pairsFile);
        } catch (err) {
          if (err instanceof PairsError) throw new ApiError('invalid-args', err.message);
          throw err;
        }
        const chosenPairs = set.pairs.slice(0, a.maxPairs);
        const files = [...new Set(chosenPairs.flatMap((p) => [p.a, p.b]))];
        const got = await featuresOf(
          ctx.db,
          files.map((f) => join(root, f)),
          { aligned, pipeline: () => engine.vision() },
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
        evaluateHead(h.id, h.name + (h.active ? ' (active)' : ''), headEmbed(ctx.db, h.id)(features), pairs),
      );
    },
  };
}
