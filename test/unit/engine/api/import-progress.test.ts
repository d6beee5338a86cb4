// Test (unit, engine api): the engine's job progress becomes the contract's import progress event, every status valid against the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { events } from '../../../../src/shared/contract.js';
import { toImportProgress } from '../../../../src/engine/api/library.js';

test('every engine progress status maps to a contract event that keeps its figures', () => {
  const cases = [
    [
      { status: 'scanning', found: 12, failed: 1 },
      { status: 'scanning', done: 0, total: 12, failed: 1 },
    ],
    [
      { status: 'running', done: 3, total: 10, failed: 1, rate: 2.5, etaMs: 2800, current: '/p/a.jpg' },
      { status: 'importing', done: 3, total: 10, etaSeconds: 2.8, message: '/p/a.jpg' },
    ],
    [
      { status: 'running', done: 0, total: 10, failed: 0, rate: 0, etaMs: undefined },
      { status: 'importing', etaSeconds: null },
    ],
    [
      { status: 'complete', done: 10, total: 10, failed: 1, rate: 3, elapsedMs: 4000 },
      { status: 'complete', done: 10, etaSeconds: 0 },
    ],
    [
      { status: 'cancelled', done: 4, total: 10, failed: 0, elapsedMs: 100 },
      { status: 'cancelled', done: 4, total: 10 },
    ],
    [
      { status: 'failed', done: 4, total: 10, failed: 0, error: 'disk full' },
      { status: 'failed', message: 'disk full' },
    ],
  ] as const;
  for (const [engine, want] of cases) {
    const ev = toImportProgress('job-1', engine as never, 7);
    assert.ok(events['job.progress'].safeParse(ev).success, JSON.stringify(ev));
    assert.equal(ev.jobId, 'job-1');
    assert.equal(ev.faces, 7);
    for (const [k, v] of Object.entries(want))
      assert.deepEqual((ev as Record<string, unknown>)[k], v, `${engine.status}.${k}`);
  }
});
