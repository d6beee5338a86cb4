// Bench (cli, dev only): LFW View 2 verification accuracy of the detector/landmark/alignment candidates, one table.
// Each distinct image is decoded and detected once; every candidate then finds landmarks, aligns and embeds it.
// usage: node --import tsx bench/vision-candidates.ts [--limit N] [--only 1,2,..]   (N pairs per fold and class;
// --only: the candidates to run, by row number from 0; default all)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../src/engine/image/decode.js';
import { sharedDataDir } from '../src/engine/paths.js';
import { summarize } from '../src/engine/verify/metrics.js';
import { cosine } from '../src/engine/vectors.js';
import { parseLfwPairs } from '../src/engine/verify/pairs.js';
import { pickSubject } from '../src/engine/vision/subject.js';
import { ALIGNED_SIZE, warpSimilarity } from '../src/engine/vision/align.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';
import type { Detection } from '../src/engine/vision/types.js';

const { values } = parseArgs({
  options: { limit: { type: 'string' }, threads: { type: 'string', default: '2' }, only: { type: 'string' } },
});
const data = sharedDataDir();
if (!data) throw new Error('needs ../shared/data/lfw');
const root = join(data, 'lfw');
let set = parseLfwPairs(readFileSync(join(root, 'pairs.txt'), 'utf8'));
if (values.limit) {
  const per = Number(values.limit);
  const seen = new Map<string, number>();
  set = { ...set, pairs: set.pairs.filter((p) => { const k = `${p.fold}:${p.same}`; const n = seen.get(k) ?? 0; seen.set(k, n + 1); return n < per; }) }; // prettier-ignore
}
const threads = Number(values.threads);

type Img = { data: Uint8Array; width: number; height: number };
interface Candidate {
  name: string;
  pipeline: FacePipeline;
  feature(p: FacePipeline, img: Img, d: Detection): Promise<Float32Array>;
  ms: number;
  features: Map<string, Float32Array>;
}

/** Baseline without landmarks: the detector box, made square around its centre, scaled to the crop. */
async function boxOnly(p: FacePipeline, img: Img, d: Detection) {
  const side = Math.max(d.box.w, d.box.h);
  const cx = d.box.x + d.box.w / 2, cy = d.box.y + d.box.h / 2; // prettier-ignore
  const s = ALIGNED_SIZE / side;
  const crop = warpSimilarity(img.data, img.width, img.height, {
    a: s,
    b: 0,
    tx: ALIGNED_SIZE / 2 - s * cx,
    ty: ALIGNED_SIZE / 2 - s * cy,
  });
  return (await p.embedAligned([crop]))[0]!;
}
const viaLandmarks = (flip: boolean) => async (p: FacePipeline, img: Img, d: Detection) =>
  (await p.describe(img, d, { flip })).feature;

/** The detector's median box geometry around the 68 points (measured on 298 LFW faces). */
const MEDIAN_BOX = { dx: -0.008, dy: -0.281, sideW: 2.054, sideH: 2.877 };
const mk = async (
  name: string,
  refinePasses: number,
  feature: Candidate['feature'],
  flipAverage = false,
  box?: typeof MEDIAN_BOX,
): Promise<Candidate> => ({
  name,
  pipeline: await FacePipeline.load({
    threads,
    landmarks: { refinePasses, flipAverage, ...(box ? { boxFromLandmarks: box } : {}) },
  }),
  feature,
  ms: 0,
  features: new Map(),
});
const all = [
  await mk('RFB box only, no landmarks (square crop)', 0, boxOnly),
  await mk('RFB + 68-pt, 1 pass', 0, viaLandmarks(false)),
  await mk('RFB + 68-pt, 2 passes, median box', 1, viaLandmarks(false), false, MEDIAN_BOX),
  await mk('RFB + 68-pt mirror-averaged, 1 pass', 0, viaLandmarks(false), true),
  await mk('RFB + 68-pt mirror-averaged, 2 passes, median box', 1, viaLandmarks(false), true, MEDIAN_BOX),
  await mk('RFB + 68-pt, 2 passes, wider box (default)', 1, viaLandmarks(false)),
  await mk('  default + flip-test feature', 1, viaLandmarks(true)),
];
const only = values.only?.split(',').map(Number);
const candidates = only ? all.filter((_, i) => only.includes(i)) : all;
for (const c of all) if (!candidates.includes(c)) await c.pipeline.dispose();
const det = candidates[0]!.pipeline; // detection settings are the same in every candidate
const files = [...new Set(set.pairs.flatMap((p) => [p.a, p.b]))];
let failures = 0;
const t0 = performance.now();
for (const [i, f] of files.entries()) {
  const img = await decodeImage(join(root, f));
  const d = pickSubject(await det.detect(img), img.width, img.height);
  if (!d) {
    failures++;
    continue;
  }
  for (const c of candidates) {
    const t = performance.now();
    c.features.set(f, await c.feature(c.pipeline, img, d));
    c.ms += performance.now() - t;
  }
  if (i % 200 === 0)
    process.stderr.write(`\r${i}/${files.length} images, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
process.stderr.write('\n');
const same = set.pairs.map((p) => p.same);
const folds = set.pairs.map((p) => p.fold);
const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
console.log(
  `LFW View 2: ${set.pairs.length} pairs in ${set.folds} folds, ${files.length} images, ${failures} without a face (scored as non-match)`,
);
console.log(`${'candidate'.padEnd(44)} accuracy ± std    AUC     EER   TAR@1e-3  ms/img`);
for (const c of candidates) {
  const scores = set.pairs.map((p) => {
    const a = c.features.get(p.a), b = c.features.get(p.b); // prettier-ignore
    return a && b ? cosine(a, b) : -1;
  });
  const s = summarize(scores, same, folds);
  console.log(
    `${c.name.padEnd(44)} ${pct(s.accuracy)} ± ${pct(s.std)}  ${s.auc.toFixed(4)} ${pct(s.eer)}  ${pct(s.tarAtFar1e3)}  ${(c.ms / files.length).toFixed(1).padStart(6)}`,
  );
}
for (const c of candidates) await c.pipeline.dispose();
