// Unit tests (engine/arcface): training in a worker thread: the worker file beside this module, progress, result, cancel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussian, identityWeights } from '../../../../src/engine/arcface/head-weights.js';
import { parseLoss } from '../../../../src/engine/arcface/loss-spec.js';
import { trainInWorker, workerUrl } from '../../../../src/engine/arcface/train-thread.js';
import { resolveConfig, trainHead } from '../../../../src/engine/arcface/trainer.js';
import { initBackend } from '../../../../src/engine/compute/backend.js';

const data = {
  features: gaussian(48 * 32, 1, 4),
  labels: Int32Array.from({ length: 48 }, (_, i) => i % 3),
  numClasses: 3,
};

test('the worker file has this module’s own extension (.ts from source, .js from dist)', () => {
  assert.match(workerUrl().pathname, /\/train-worker\.ts$/);
});

test('a worker trains the same head as the main thread would, reporting progress and its backend', async () => {
  const cfg = resolveConfig({ loss: parseLoss('arcface'), epochs: 4, batchSize: 16, seed: 9 });
  const steps: number[] = [];
  const r = await trainInWorker(data, identityWeights(32), cfg, { onProgress: (p) => steps.push(p.step) });
  assert.equal(r.backend.name, 'wasm');
  assert.deepEqual(
    steps,
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  await initBackend();
  const here = await trainHead(data, identityWeights(32), cfg);
  assert.deepEqual(r.weights.w, here.weights.w, 'deterministic for a seed on the same backend, in any thread');
});

test('cancelling stops the worker between steps; errors in the worker reject with their message', async () => {
  const ac = new AbortController();
  const r = await trainInWorker(
    data,
    identityWeights(32),
    resolveConfig({ loss: parseLoss('cosface'), epochs: 1000, batchSize: 8 }),
    {
      signal: ac.signal,
      onProgress: (p) => p.step === 2 && ac.abort(),
    },
  );
  assert.equal(r.cancelled, true);
  assert.ok(r.steps < 20);
  await assert.rejects(
    trainInWorker({ ...data, numClasses: 1 }, identityWeights(32), resolveConfig({ loss: parseLoss('arcface') })),
    /at least 2 identities/,
  );
});
