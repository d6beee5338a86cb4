// Test helper: checks a job's progress events against [Note: progress promises] (engine/jobs/progress.ts).
import assert from 'node:assert/strict';
import type { JobProgress } from '../../src/engine/jobs/progress.js';

/** Checks a whole event sequence against [Note: progress promises]. */
export function checkProgress(events: JobProgress[], finals: JobProgress['status'][] = ['complete']): void {
  assert.ok(events.length > 0, 'no events');
  let lastDone = -1;
  let total: number | undefined;
  events.forEach((e, i) => {
    const final = e.status === 'complete' || e.status === 'cancelled' || e.status === 'failed';
    assert.equal(final, i === events.length - 1, `event ${i} (${e.status}): a final event comes last and only last`);
    if (e.status === 'scanning') {
      assert.equal(total, undefined, 'scanning after the run began');
      return;
    }
    assert.ok(e.done >= lastDone, `done went from ${lastDone} to ${e.done}`);
    lastDone = e.done;
    total ??= e.total;
    assert.equal(e.total, total, 'total changed mid-run');
    assert.ok(e.done <= e.total);
    if (e.status === 'running') assert.ok(e.rate >= 0 && (e.etaMs === undefined || e.etaMs >= 0));
  });
  assert.ok(finals.includes(events.at(-1)!.status), `last event is ${events.at(-1)!.status}`);
  const last = events.at(-1)!;
  if (last.status === 'complete') assert.equal(last.done, last.total);
}
