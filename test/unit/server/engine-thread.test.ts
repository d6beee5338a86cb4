// Test (unit, server): the web door's engine in a worker thread — calls, Results, file lookups and clean shutdown across the thread boundary.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
