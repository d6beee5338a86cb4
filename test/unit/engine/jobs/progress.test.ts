// Unit tests (engine/jobs): the progress tracker keeps its promises: done never decreases, total fixed, one final event last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressTracker, type JobProgress } from '../../../../src/engine/jobs/progress.js';
import { checkProgress } from '../../../helpers/progress.js';

function fakeClock(step: number) {
  let t = 0;
  return () => (t += step);
}

test('a run keeps the promises, reports rate and ETA, and ends with complete', () => {
  const events: JobProgress[] = [];
  const p = new ProgressTracker((e) => events.push(e), fakeClock(50)); // 50 ms per clock read: some events are throttled
  for (let i = 1; i <= 5; i++) p.scanned(i, 0);
  p.begin(20);
  for (let i = 0; i < 20; i++) p.tick(i % 7 === 3);
  p.complete();
  checkProgress(events);
  const running = events.filter((e) => e.status === 'running');
  assert.ok(running.length < 21, 'bursts are throttled');
  assert.deepEqual(
    running.at(-1)!.status === 'running' && [running.at(-1)!.done, running.at(-1)!.failed],
    [20, 3],
    'the last item always gets an event',
  );
  const mid = running.find((e) => e.status === 'running' && e.done > 2 && e.done < 20);
  assert.ok(mid && mid.status === 'running' && mid.rate > 0 && mid.etaMs! > 0, 'rate and ETA once items complete');
});

test('the tracker refuses to break its promises', () => {
  const p = new ProgressTracker(() => undefined, fakeClock(1));
  assert.throws(() => p.tick(), /tick\(\) while scanning/);
  p.begin(1);
  assert.throws(() => p.begin(2), /twice/);
  p.tick();
  assert.throws(() => p.tick(), /past the total/);
  p.complete();
  assert.throws(() => p.tick(), /while ended/);
});

test('cancel and fail are final; a second final event is dropped', () => {
  const events: JobProgress[] = [];
  const p = new ProgressTracker((e) => events.push(e), fakeClock(1));
  p.begin(10);
  p.tick();
  p.cancel();
  p.fail(new Error('late'));
  p.complete();
  checkProgress(events, ['cancelled']);
  assert.equal(events.filter((e) => e.status !== 'running').length, 1);
  const f: JobProgress[] = [];
  const q = new ProgressTracker((e) => f.push(e), fakeClock(1));
  q.fail(new Error('boom'));
  assert.deepEqual(f, [{ status: 'failed', done: 0, total: 0, failed: 0, error: 'boom' }]);
});
