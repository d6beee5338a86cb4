// Integration test (attack suite): SIGTERM ends the built `facelens serve` within seconds even while its engine thread is stuck.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { skipUnlessServable, sleep, startServe, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable() || (process.platform === 'win32' ? 'FIFOs are POSIX' : false);
/** SIGTERM must end the process within this (the engine client waits 4 s for a clean close, then kills). */
const STOP_WITHIN_MS = 10_000;

async function stopTimed(s: Served): Promise<{ ms: number; how: number | string }> {
  const t = Date.now();
  const how = await s.stop('SIGTERM', STOP_WITHIN_MS + 5_000);
  return { ms: Date.now() - t, how };
}

describe('shutdown works while the engine is busy', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-shutdown-');

  test('the engine stuck reading a FIFO named as the pairs file', async () => {
    const fifo = join(dir, 'pairs.fifo');
    execFileSync('mkfifo', [fifo]);
    const s = await startServe(join(dir, 'a', 'library.db'));
    after(() => s.stop('SIGKILL'));
    const call = s
      .api('verify.evaluate', { source: { kind: 'pairs', pairsFile: fifo, root: dir } })
      .catch((e: Error) => e);
    await sleep(1500);
    const { ms, how } = await stopTimed(s);
    void call;
    assert.notEqual(how, 'timeout', `still running ${STOP_WITHIN_MS + 5000} ms after SIGTERM:\n${s.log()}`);
    assert.ok(ms < STOP_WITHIN_MS, `took ${ms} ms to stop:\n${s.log()}`);
  });

  test('the engine stuck reading a FIFO named as a photo of the pairs list', async () => {
    const root = join(dir, 'b-root');
    execFileSync('mkdir', ['-p', root]);
    execFileSync('mkfifo', [join(root, 'fifo.jpg')]);
    const pairs = join(dir, 'b-pairs.csv');
    writeFileSync(
      pairs,
      ['file_x,file_y,same', ...Array.from({ length: 10 }, (_, i) => `fifo.jpg,fifo.jpg,${i % 2}`)].join('\n'),
    );
    const s = await startServe(join(dir, 'b', 'library.db'));
    after(() => s.stop('SIGKILL'));
    void s.api('verify.evaluate', { source: { kind: 'pairs', pairsFile: pairs, root } }).catch((e: Error) => e);
    await sleep(1500);
    const { ms, how } = await stopTimed(s);
    assert.notEqual(how, 'timeout', `still running ${STOP_WITHIN_MS + 5000} ms after SIGTERM:\n${s.log()}`);
    assert.ok(ms < STOP_WITHIN_MS, `took ${ms} ms to stop:\n${s.log()}`);
  });
});
