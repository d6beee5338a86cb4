// Test (unit, real ONNX Runtime): execution provider choice and the fallback to CPU (engine/vision/ort.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cudaInstalled,
  openSession,
  ort,
  parseProviderSetting,
  providerPlan,
  type SessionFactory,
} from '../../../../src/engine/vision/ort.js';
import { MODEL_FILES } from '../../../../src/engine/vision/pipeline.js';

test('auto: each platform tries its GPU providers first, CUDA only where its libraries are installed, CPU last', () => {
  assert.deepEqual(providerPlan('auto', { platform: 'linux', cudaInstalled: false }), ['cpu']);
  assert.deepEqual(providerPlan('auto', { platform: 'linux', cudaInstalled: true }), ['cuda', 'cpu']);
  assert.deepEqual(providerPlan('auto', { platform: 'win32', cudaInstalled: false }), ['dml', 'cpu']);
  assert.deepEqual(providerPlan('auto', { platform: 'win32', cudaInstalled: true }), ['cuda', 'dml', 'cpu']);
  assert.deepEqual(providerPlan('auto', { platform: 'darwin', cudaInstalled: true }), ['coreml', 'cpu']);
});

test('a chosen provider is tried first and CPU stays the fallback; cpu means CPU only', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    assert.deepEqual(providerPlan('cuda', { platform, cudaInstalled: false }), ['cuda', 'cpu']);
    assert.deepEqual(providerPlan('dml', { platform, cudaInstalled: true }), ['dml', 'cpu']);
    assert.deepEqual(providerPlan('coreml', { platform, cudaInstalled: true }), ['coreml', 'cpu']);
    assert.deepEqual(providerPlan('cpu', { platform, cudaInstalled: true }), ['cpu']);
  }
});

test('settings from the environment or the library: known names (any case), anything else is auto', () => {
  assert.equal(parseProviderSetting('CUDA'), 'cuda');
  assert.equal(parseProviderSetting('coreml'), 'coreml');
  assert.equal(parseProviderSetting('tensorrt'), 'auto');
  assert.equal(parseProviderSetting(undefined), 'auto');
  assert.equal(parseProviderSetting(3), 'auto');
});

test('a provider that fails to load falls back to the next, and the reason is kept', async () => {
  const tried: string[] = [];
  // Fails as a machine without the GPU driver does; CPU goes to the real ONNX Runtime.
  const create: SessionFactory = async (model, options) => {
    const p = String(options.executionProviders![0]);
    tried.push(p);
    if (p !== 'cpu') throw new Error(`${p}: no device found\nsecond line`);
    return ort.InferenceSession.create(model, options);
  };
  const s = await openSession(MODEL_FILES.landmarks, { providers: ['cuda', 'dml'], create });
  assert.deepEqual(tried, ['cuda', 'dml', 'cpu']);
  assert.equal(s.provider, 'cpu');
  assert.deepEqual(s.fallbacks, [
    { provider: 'cuda', error: 'cuda: no device found' },
    { provider: 'dml', error: 'dml: no device found' },
  ]);
  const out = await s.session.run({ input: new ort.Tensor('float32', new Float32Array(64 * 64), [1, 1, 64, 64]) });
  assert.equal((out.output!.data as Float32Array).length, 136, 'the CPU session runs');
  await s.session.release();
});

test('when even the CPU cannot load the model, the error names every provider and its reason', async () => {
  const create: SessionFactory = async (_m, options) => {
    throw new Error(`${String(options.executionProviders![0])} refused`);
  };
  await assert.rejects(
    openSession(MODEL_FILES.landmarks, { setting: 'coreml', create }),
    /cannot load model fr_landmark\.onnx: coreml: coreml refused; cpu: cpu refused/,
  );
});

// The real fallbacks this machine can show: onnxruntime-node's npm build has no DirectML or CoreML provider on
// Linux, and its CUDA provider libraries are an optional download (skipped by this project's .npmrc).
for (const provider of ['cuda', 'dml', 'coreml'] as const) {
  const present =
    (provider === 'cuda' && cudaInstalled()) ||
    (provider === 'dml' && process.platform === 'win32') ||
    (provider === 'coreml' && process.platform === 'darwin');
  test(
    `the real ONNX Runtime: asking for ${provider} where it is absent runs on the CPU and says why`,
    { skip: present && `${provider} may really load here` },
    async () => {
      const s = await openSession(MODEL_FILES.landmarks, { setting: provider });
      assert.equal(s.provider, 'cpu');
      assert.equal(s.fallbacks.length, 1);
      assert.equal(s.fallbacks[0]!.provider, provider);
      assert.ok(s.fallbacks[0]!.error.length > 5, `ORT's reason: ${s.fallbacks[0]!.error}`);
      await s.session.release();
    },
  );
}
