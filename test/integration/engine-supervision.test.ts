// Integration tests (engine host client + the Electron engine process run as a Node child): ready, open failures, crash restarts, close.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { EngineClient, type EngineChild } from '../../src/engine/host/client.js';
import type { ToEngine } from '../../src/engine/host/messages.js';
import { ROOT, skipUnlessBuilt } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

// The built engine process, as the window starts it ([Note: tests run the build]).
const ENGINE = join(ROOT, 'dist', 'src', 'main', 'engine-process.js');
const skip = skipUnlessBuilt();

/** The real engine process (src/main/engine-process.ts, built) as a Node child; `drop` swallows matching messages to it. */
function engineChildren(dbPath: string, drop: (m: ToEngine) => boolean = () => false) {
  const spawned: ChildProcess[] = [];
  const spawn = (): EngineChild => {
    const child = fork(ENGINE, [], {
      execArgv: [],
      env: { ...process.env, FACELENS_DB: dbPath },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    spawned.push(child);
    return {
      postMessage: (m) => void (drop(m) || child.send(m)),
      onMessage: (l) => child.on('message', l as (m: unknown) => void),
      onExit: (l) => child.once('exit', (code) => l(code)),
      kill: () => void child.kill('SIGKILL'),
    };
  };
  return { spawn, spawned };
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));

test('calls made before the engine is ready wait for it, then answer in order', { skip }, async () => {
  const { spawn, spawned } = engineChildren(join(tempDir(), 'library.db'));
  const client = new EngineClient(spawn);
  try {
    assert.equal(client.state, 'starting');
    const [status, stats] = await Promise.all([client.call('app.status', {}), client.call('library.stats', {})]);
    assert.ok(status.ok && (status.value as { door: string }).door === 'electron', JSON.stringify(status));
    assert.ok(stats.ok && (stats.value as { photos: number }).photos === 0);
    assert.equal(client.state, 'ready');
  } finally {
    await client.close();
  }
  await exited(spawned[0]!);
  const after = await client.call('app.status', {});
  assert.equal(!after.ok && after.error.code, 'engine');
});

test(
  'a library made by a newer Facelens: the reason reaches every caller, and nothing restarts',
  { skip },
  async () => {
    const dbPath = join(tempDir(), 'library.db');
    const db = new Database(dbPath);
    db.pragma('user_version = 999');
    db.close();
    const { spawn, spawned } = engineChildren(dbPath);
    const client = new EngineClient(spawn);
    try {
      await assert.rejects(client.ready(), (f: { title: string; cause: string; dbPath: string }) => {
        assert.match(f.title, /newer Facelens/);
        assert.match(f.cause, /version 999/);
        assert.equal(f.dbPath, dbPath);
        return true;
      });
      assert.equal(client.state, 'failed');
      const r = await client.call('people.list', {});
      assert.ok(!r.ok && /newer Facelens/.test(r.error.message), JSON.stringify(r));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(spawned.length, 1, 'an open failure is not retried');
    } finally {
      await client.close();
    }
  },
);

test('an engine that dies fails its calls in flight at once, and is started again', { skip }, async () => {
  let swallow = false;
  const { spawn, spawned } = engineChildren(join(tempDir(), 'library.db'), () => swallow);
  const client = new EngineClient(spawn);
  try {
    await client.ready();
    swallow = true; // the engine never answers this one: it is "busy" when it dies
    const inFlight = client.call('library.stats', {});
    swallow = false;
    spawned[0]!.kill('SIGKILL');
    const r = await inFlight;
    assert.ok(!r.ok && r.error.code === 'engine' && /stopped unexpectedly/.test(r.error.message), JSON.stringify(r));
    await client.ready();
    assert.equal(spawned.length, 2);
    assert.ok((await client.call('library.stats', {})).ok);
  } finally {
    await client.close();
  }
});

test('an engine that keeps dying is given up on, saying so', { skip }, async () => {
  const { spawn, spawned } = engineChildren(join(tempDir(), 'library.db'));
  const client = new EngineClient(spawn, { maxRestarts: 2, restartWindowMs: 60_000 });
  try {
    for (let i = 0; i < 3; i++) {
      await client.ready();
      spawned.at(-1)!.kill('SIGKILL');
      await exited(spawned.at(-1)!);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(client.state, 'failed');
    assert.match(client.failure!.title, /keeps stopping/);
    assert.equal(spawned.length, 3);
    const r = await client.call('app.status', {});
    assert.ok(!r.ok && /keeps stopping/.test(r.error.message));
  } finally {
    await client.close();
  }
});

test('close kills an engine that does not answer, within the timeout', { skip }, async () => {
  const { spawn, spawned } = engineChildren(join(tempDir(), 'library.db'), (m) => 'close' in m);
  const client = new EngineClient(spawn, { closeTimeoutMs: 500 });
  await client.ready();
  const t0 = performance.now();
  await client.close();
  await exited(spawned[0]!);
  assert.ok(performance.now() - t0 < 3000);
  assert.equal(spawned[0]!.signalCode, 'SIGKILL');
});

test('pending calls are bounded: more answer busy at once', { skip }, async () => {
  const { spawn } = engineChildren(join(tempDir(), 'library.db'));
  const client = new EngineClient(spawn, { maxPending: 2 });
  try {
    const calls = [1, 2, 3].map(() => client.call('app.status', {}));
    const third = await calls[2]!;
    assert.equal(!third.ok && third.error.code, 'busy');
    for (const c of calls.slice(0, 2)) assert.ok((await c).ok);
  } finally {
    await client.close();
  }
});
