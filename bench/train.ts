// Bench (cli): head training throughput (samples/s) and time to fine-tune an ArcFace head on 10k faces, per available backend.
// Run: node --import tsx bench/train.ts [--faces 10000] [--identities 100] [--epochs 20] [--backends wasm,cpu]
import { parseArgs } from 'node:util';
import { applyFolded, foldHead, gaussian, identityWeights, randomWeights } from '../src/engine/arcface/head-weights.js';
import { embedChunk } from '../src/engine/arcface/heads.js';
import { initBackend } from '../src/engine/compute/backend.js';
import { parseLoss } from '../src/engine/arcface/loss-spec.js';
import { trainInWorker } from '../src/engine/arcface/train-thread.js';
import { resolveConfig } from '../src/engine/arcface/trainer.js';
import type { BackendName } from '../src/engine/compute/backend.js';

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '10000' },
    identities: { type: 'string', default: '100' },
    epochs: { type: 'string', default: '20' },
    backends: { type: 'string', default: 'tensorflow-gpu,tensorflow,wasm,cpu' },
    'cpu-steps': { type: 'string', default: '8' },
  },
});
const n = Number(values.faces);
const c = Number(values.identities);
const epochs = Number(values.epochs);
const d = 512;

// Synthetic stored features (the trainer never sees pixels): identities as random centres plus noise.
const centres = gaussian(c * d, 1, 1);
const noise = gaussian(n * d, 1.5, 2);
const features = new Float32Array(n * d);
const labels = new Int32Array(n);
for (let i = 0; i < n; i++) {
  labels[i] = i % c;
  for (let j = 0; j < d; j++) features[i * d + j] = centres[(i % c) * d + j]! + noise[i * d + j]!;
}

console.log(
  `fine-tune an ArcFace head (512 -> FC -> BN -> 512, s=64 m=0.5) on ${n} faces of ${c} identities, batch 512, ${epochs} epochs`,
);
console.log(
  `${'backend'.padEnd(16)} ${'samples/s'.padStart(10)} ${'steps'.padStart(6)} ${'seconds'.padStart(9)} ${('10k x ' + epochs + ' epochs').padStart(16)}  note`,
);
for (const name of String(values.backends).split(',') as BackendName[]) {
  const isCpu = name === 'cpu';
  const stepsPerEpoch = Math.ceil(n / 512);
  const cfgEpochs = isCpu ? Number(values['cpu-steps']) / stepsPerEpoch : epochs;
  try {
    const r = await trainInWorker(
      { features, labels, numClasses: c },
      identityWeights(d),
      resolveConfig({ loss: parseLoss('arcface'), epochs: cfgEpochs, lr: 0.01, seed: 1 }),
      { backend: name },
    );
    const full = ((epochs * n) / r.samplesPerSec).toFixed(1);
    const extra = r.backend.name === 'wasm' ? `simd ${r.backend.simd}, threads ${r.backend.threads}` : '';
    console.log(
      `${name.padEnd(16)} ${Math.round(r.samplesPerSec).toString().padStart(10)} ${String(r.steps).padStart(6)} ${r.seconds.toFixed(1).padStart(9)} ${(full + ' s').padStart(16)}  ${isCpu ? `extrapolated from ${r.steps} steps; ` : ''}${extra}`,
    );
  } catch (err) {
    console.log(
      `${name.padEnd(16)} ${'-'.padStart(10)} ${'-'.padStart(6)} ${'-'.padStart(9)} ${'-'.padStart(16)}  unavailable: ${(err as Error).message.slice(0, 90)}`,
    );
  }
}

// Activation re-embeds every face from its stored feature: plain typed arrays vs one tfjs matrix product per chunk.
{
  const folded = foldHead(randomWeights(512, 512, 3));
  const rows = Array.from({ length: Math.min(n, 10000) }, (_, i) => features.subarray(i * d, (i + 1) * d));
  let t = performance.now();
  applyFolded(folded, rows);
  const plain = rows.length / ((performance.now() - t) / 1000);
  const info = await initBackend();
  t = performance.now();
  for (let i = 0; i < rows.length; i += 2048) embedChunk(folded, rows.slice(i, i + 2048));
  const fast = rows.length / ((performance.now() - t) / 1000);
  console.log(
    `\nre-embed on activation (${rows.length} faces): plain JS ${Math.round(plain)} faces/s, ${info.name} ${Math.round(fast)} faces/s`,
  );
}
