// Unit tests (engine library): InOrder lets numbered steps take their turn in order, whatever order they get ready in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InOrder } from '../../src/engine/library/in-order.js';
import { rng } from '../../src/engine/random.js';

test('steps that get ready in a random order take their turns in number order', async () => {
  const rand = rng(11);
  for (let round = 0; round < 20; round++) {
    const gate = new InOrder();
    const n = 30;
    const order: number[] = [];
    const ready = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
    // Some steps give up their turn (a cancel) without writing; the others must still go in order.
    const dropped = new Set(ready.filter(() => rand() < 0.2));
    await Promise.all(
      ready.map(async (i, k) => {
        await new Promise((r) => setTimeout(r, k % 3)); // ready at different times
        if (dropped.has(i)) return gate.done(i);
        await gate.turn(i);
        order.push(i);
        gate.done(i);
      }),
    );
    assert.deepEqual(
      order,
      Array.from({ length: n }, (_, i) => i).filter((i) => !dropped.has(i)),
    );
    assert.equal(gate.next, n);
    assert.equal(gate.waiting, 0);
  }
});

test('a step waits until every step before it is done, not only the one before', async () => {
  const gate = new InOrder();
  let went = false;
  const third = gate.turn(2).then(() => (went = true));
  gate.done(1); // done out of order: step 0 still holds the line
  await new Promise((r) => setImmediate(r));
  assert.equal(went, false);
  assert.equal(gate.waiting, 1);
  gate.done(0);
  await third;
  assert.equal(went, true);
  gate.done(0); // saying it twice is harmless
  assert.equal(gate.next, 2);
});

test('a step cannot take a turn twice or after it is done', () => {
  const gate = new InOrder();
  void gate.turn(1);
  assert.throws(() => gate.turn(1), /already waiting/);
  gate.done(0);
  gate.done(1);
  assert.throws(() => gate.turn(0), /already done/);
  gate.done(3);
  assert.throws(() => gate.turn(3), /already done/);
  assert.throws(() => gate.turn(-1), /whole number/);
});
