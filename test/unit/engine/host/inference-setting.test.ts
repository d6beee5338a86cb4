// Test (unit, engine host, real ONNX Runtime): the execution provider setting — saved in the library, used by the engine, shown with its fallback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Engine } from '../../../../src/engine/api/engine.js';
import { EngineHost } from '../../../../src/engine/host/host.js';
import { cudaInstalled } from '../../../../src/engine/vision/ort.js';

const dir = mkdtempSync(join(tmpdir(), 'facelens-inference-'));
const dbPath = join(dir, 'library.db');
after(() => rmSync(dir, { recursive: true, force: true }));

async function call(host: EngineHost, method: string, args: unknown): Promise<unknown> {
  const r = await host.call(method, args);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

test('the default is auto; an unknown provider is refused', async () => {
  const host = await EngineHost.open({ dbPath, door: 'web' });
  try {
    assert.equal(((await call(host, 'settings.get', {})) as { inferenceProvider: string }).inferenceProvider, 'auto');
    const r = await host.call('settings.set', { inferenceProvider: 'tensorrt' });
    assert.equal(!r.ok && r.error.code, 'invalid-args');
  } finally {
    await host.close();
  }
});

test(
  'a provider chosen in Settings is what the engine loads with; where it cannot load, stats and status say why',
  { skip: cudaInstalled() && 'CUDA may really load here' },
  async () => {
    const host = await EngineHost.open({ dbPath, door: 'web' });
    try {
      await call(host, 'settings.set', { inferenceProvider: 'cuda' });
    } finally {
      await host.close();
    }
    const engine = Engine.open(dbPath);
    try {
      assert.equal(engine.providerSetting(), 'cuda');
      const before = engine.library.stats();
      assert.deepEqual([before.inference.provider, before.inference.loaded], ['cuda', false], 'planned, not loaded');
      assert.match(before.backend, /^recognition: onnxruntime-node\/cuda \(planned\) · /);
      await engine.probeInference();
      const s = engine.library.stats();
      assert.deepEqual([s.inference.provider, s.inference.loaded], ['cpu', true]);
      assert.match(s.backend, /^recognition: onnxruntime-node\/cpu \(cuda unavailable: .+\) · /);
      assert.deepEqual(
        s.inference.fallbacks.map((f) => f.provider),
        ['cuda'],
      );
      assert.ok(s.inference.fallbacks[0]!.error.length > 5);
    } finally {
      await engine.close();
    }
    const again = await EngineHost.open({ dbPath, door: 'web' });
    try {
      // The host probes in the background when it opens; the status line carries the reason once it is known.
      let status = '';
      for (let i = 0; i < 100 && !status.includes('unavailable'); i++) {
        status = ((await call(again, 'app.status', {})) as { backend: string }).backend;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(status, /recognition: onnxruntime-node\/cpu \(cuda unavailable: .+\)/);
      await call(again, 'settings.set', { inferenceProvider: 'auto' });
    } finally {
      await again.close();
    }
    const auto = Engine.open(dbPath);
    try {
      assert.equal(auto.providerSetting(), 'auto');
      await auto.probeInference();
      assert.deepEqual(
        auto.library.stats().inference.fallbacks,
        [],
        'auto on this machine is the CPU, with nothing to fall back from',
      );
    } finally {
      await auto.close();
    }
  },
);
