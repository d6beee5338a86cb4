// Test (unit, renderer): coalesce gathers a burst of requests into one call, and a cancelled call never runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce } from '../../../../renderer/src/lib/coalesce.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a burst of requests makes one call; the next burst makes another', async () => {
  let calls = 0;
  const soon = coalesce(() => calls++, 40);
  for (let i = 0; i < 10; i++) soon();
  assert.equal(calls, 0, 'nothing runs before the delay');
  await sleep(200);
  assert.equal(calls, 1);
  soon();
  soon();
  await sleep(200);
  assert.equal(calls, 2);
});

test('cancel drops the pending call, and a later request schedules a new one', async () => {
  let calls = 0;
  const soon = coalesce(() => calls++, 30);
  soon();
  soon.cancel();
  await sleep(150);
  assert.equal(calls, 0);
  soon();
  await sleep(150);
  assert.equal(calls, 1);
});
