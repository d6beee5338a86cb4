// Bench (cli, dev only): the vision pipeline on ../shared/data — photos/s end to end on celeba-wild, ms per stage,
// faces per photo, share of photos with a face, peak RSS, identity AUC of the largest faces; group-photos recall.
// usage: node --import tsx bench/vision.ts [--limit N] [--workers W] [--threads T]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage, type DecodedImage } from '../src/engine/image/decode.js';
import { sharedDataDir } from '../src/engine/paths.js';
import { auc, tarAtFar } from '../src/engine/verify/metrics.js';
import { cosine } from '../src/engine/vectors.js';
import { alignFace } from '../src/engine/vision/align.js';
import { fiveFrom68 } from '../src/engine/vision/landmarks.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';
import { faceQuality } from '../src/engine/vision/quality.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
  },
});
const data = sharedDataDir();
if (!data) throw new Error('needs ../shared/data');
const workers = Number(values.workers), threads = Number(values.threads); // prettier-ignore

const wild = join(data, 'celeba-wild');
let photos = readdirSync(wild)
  .sort()
  .flatMap((id) =>
    readdirSync(join(wild, id))
      .sort()
      .map((f) => ({ id, path: join(wild, id, f) })),
  );
if (values.limit) photos = photos.slice(0, Number(values.limit));

const stage = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, quality: 0 };
const perPhoto: { id: string; faces: number; largest?: Float32Array }[] = [];
const pipelines = await Promise.all(Array.from({ length: workers }, () => FacePipeline.load({ threads })));
let next = 0;
const t0 = performance.now();

/** One worker: decodes photo k+1 while photo k is in inference (see [Note: ORT threads]). */
async function worker(p: FacePipeline) {
  const take = () => (next < photos.length ? photos[next++]! : undefined);
  const load = (ph: (typeof photos)[number] | undefined) => {
    if (!ph) return undefined;
    const t = performance.now();
    return decodeImage(ph.path).then((img) => ((stage.decode += performance.now() - t), { ph, img }));
  };
  let pending = load(take());
  while (pending) {
    const { ph, img } = await pending;
    pending = load(take());
    perPhoto.push(await analyzeTimed(p, ph.id, img));
  }
}

async function analyzeTimed(p: FacePipeline, id: string, img: DecodedImage) {
  let t = performance.now();
  const dets = await p.detect(img);
  stage.detect += performance.now() - t;
  dets.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h);
  let largest: Float32Array | undefined;
  for (const d of dets) {
    t = performance.now();
    const lm = fiveFrom68(await p.landmarks.predict(img, d.box));
    stage.landmarks += performance.now() - t;
    t = performance.now();
    const crop = alignFace(img, lm);
    stage.align += performance.now() - t;
    t = performance.now();
    const f = await p.recognizer.embed(crop);
    stage.embed += performance.now() - t;
    t = performance.now();
    faceQuality(lm, d.score, crop, f);
    stage.quality += performance.now() - t;
    largest ??= f;
  }
  return { id, faces: dets.length, largest };
}

await Promise.all(pipelines.map(worker));
const secs = (performance.now() - t0) / 1000;
const n = perPhoto.length;
const faces = perPhoto.reduce((a, p) => a + p.faces, 0);
const withFace = perPhoto.filter((p) => p.faces > 0).length;

// Identity check: largest face per photo; all same-identity pairs against as many different-identity pairs.
const got = perPhoto.filter((p) => p.largest);
const scores: number[] = [], same: boolean[] = []; // prettier-ignore
for (let i = 0; i < got.length; i++) for (let j = i + 1; j < got.length; j++) if (got[i]!.id === got[j]!.id) { scores.push(cosine(got[i]!.largest!, got[j]!.largest!)); same.push(true); } // prettier-ignore
const nSame = scores.length;
for (let k = 0; k < nSame * 4; k++) {
  const i = (k * 7919) % got.length,
    j = (k * 104729 + 13) % got.length; // deterministic spread of different pairs
  if (got[i]!.id === got[j]!.id) continue;
  scores.push(cosine(got[i]!.largest!, got[j]!.largest!));
  same.push(false);
}

const ms = (x: number) => (x / n).toFixed(1).padStart(7);
console.log(
  `celeba-wild: ${n} photos, ${workers} worker(s) x ${threads} ORT thread(s), 2-core VM shared with other work`,
);
console.log(`photos/s end to end       ${(n / secs).toFixed(1)}`);
console.log(`photos with >= 1 face     ${((100 * withFace) / n).toFixed(1)}%`);
console.log(`faces per photo           ${(faces / n).toFixed(2)}`);
console.log(`ms per photo by stage (summed over workers; decode overlaps inference):`);
for (const [k, v] of Object.entries(stage)) console.log(`  ${k.padEnd(10)} ${ms(v)}`);
console.log(`peak RSS                  ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(
  `largest-face identity AUC ${auc(scores, same).toFixed(4)}  TAR@FAR1e-2 ${(100 * tarAtFar(scores, same, 1e-2)).toFixed(1)}%  (${nSame} same / ${scores.length - nSame} different pairs)`,
);

const gp = join(data, 'fixtures', 'group-photos');
console.log(`\ngroup-photos: file, faces.csv clear frontal, found (all), found with quality >= 0.2, ms`);
for (const row of readFileSync(join(gp, 'faces.csv'), 'utf8').trim().split('\n').slice(1)) {
  const [file, count] = row.split(',');
  const img = await decodeImage(join(gp, file!));
  const t = performance.now();
  const fs = await pipelines[0]!.analyze(img);
  console.log(
    `  ${file!.padEnd(10)} ${count!.padStart(3)} ${String(fs.length).padStart(4)} ${String(fs.filter((f) => f.quality >= 0.2).length).padStart(4)} ${(performance.now() - t).toFixed(0).padStart(6)}`,
  );
}
for (const p of pipelines) await p.dispose();
