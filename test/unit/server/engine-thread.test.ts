// Test (unit, server): the web door's engine in a worker thread — calls, Results, file lookups and clean shutdown across the thread boundary.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient, type EngineChild } from '../../../src/engine/host/client.js';
import { openThreadHost } from '../../../src/server/engine-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'facelens-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a worker-thread host answers contract calls, relays events and closes cleanly', async () => {
  const host = await openThreadHost({ dbPath: join(dir, 'library.db'), checkResults: true });
  try {
    const status = await host.call('app.status', {});
    assert.ok(status.ok && (status.value as { door: string }).door === 'web');
    const bad = await host.call('people.merge', { intoId: 'x' });
    assert.equal(!bad.ok && bad.error.code, 'invalid-args');
    assert.equal(await host.thumbFile(1), undefined);
    assert.equal(await host.photoFile(1), undefined);
    const heard = new Promise((resolve) => host.onEvent(resolve));
    const set = await host.call('settings.set', { minQuality: 0.4 });
    assert.ok(set.ok);
    // settings.set emits nothing; an undo with nothing to undo still tells the UI people may have changed.
    assert.ok((await host.call('history.undo', {})).ok);
    assert.deepEqual(await heard, { event: 'people.changed', payload: { reason: 'undo' } });
  } finally {
    await host.close();
  }
  const afterClose = await host.call('app.status', {});
  assert.equal(!afterClose.ok && afterClose.error.code, 'engine');
});

/** An engine thread that says ready, then on any call runs `work` (a busy loop, a blocking read) and never answers. */
function stuckChild(work: string): EngineChild {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage({ ready: true });
     parentPort.on('message', (m) => { if (m.method) { ${work} } });`,
    { eval: true },
  );
  worker.on('error', () => undefined);
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => worker.once('exit', l),
    kill: () => void worker.terminate(),
  };
}

test('close() ends an engine thread busy in long JavaScript work, and answers the call it left', async () => {
  const client = new EngineClient(() => stuckChild('for (;;) {}'), { closeTimeoutMs: 300 });
  await client.ready();
  const call = client.call('app.status', {});
  await new Promise((r) => setTimeout(r, 100));
  const t = Date.now();
  await client.close();
  assert.ok(client.ended, 'the thread ended');
  assert.ok(Date.now() - t < 2000, `close took ${Date.now() - t} ms`);
  const r = await call;
  assert.equal(!r.ok && r.error.code, 'engine');
});

test(
  'close() gives up on a thread blocked in a system call and says so (serve then quits the process)',
  { skip: process.platform === 'win32' },
  async () => {
    const fifo = join(dir, 'block.fifo');
    execFileSync('mkfifo', [fifo]);
    const client = new EngineClient(() => stuckChild(`require('node:fs').readFileSync(${JSON.stringify(fifo)})`), {
      closeTimeoutMs: 300,
    });
    await client.ready();
    void client.call('app.status', {});
    await new Promise((r) => setTimeout(r, 100));
    await client.close();
    assert.equal(client.ended, false, 'a thread inside a blocking read cannot be terminated');
    // Let it go: a writer opens the FIFO, the read returns, the terminated thread ends.
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  },
);
