// Test (unit, shared): the loss presets the Train page offers are the ones the engine parses, with the same margins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOSS_BASES, LOSS_TERMS, isLossName, presetMargins } from '../../../src/shared/losses.js';
import { Loss, Margins } from '../../../src/shared/schemas.js';
import { parseLoss } from '../../../src/engine/arcface/loss-spec.js';

test('every base loss, alone or with terms, is a valid Loss and parses to its preset margins', () => {
  for (const name of LOSS_BASES) {
    const m = presetMargins(name);
    const spec = parseLoss(name);
    assert.deepEqual({ s: spec.s, m1: spec.m1, m2: spec.m2, m3: spec.m3 }, m, name);
    for (const term of LOSS_TERMS) {
      assert.ok(Loss.safeParse(`${name}+${term}`).success, `${name}+${term}`);
      assert.equal(parseLoss(`${name}+${term}`).m2, m.m2);
    }
  }
  assert.deepEqual(presetMargins('arcface'), { s: 64, m1: 1, m2: 0.5, m3: 0 });
  assert.deepEqual(presetMargins('cosface'), { s: 64, m1: 1, m2: 0, m3: 0.35 });
});

test("every preset's margins fit the contract's Margins (what the Train page sends)", () => {
  for (const name of LOSS_BASES) assert.ok(Margins.safeParse(presetMargins(name)).success, name);
});

test('names that are not presets are refused by both sides', () => {
  for (const bad of ['constructor', 'toString', 'arc', '']) {
    assert.equal(isLossName(bad), false, bad);
    assert.throws(() => parseLoss(bad), /unknown loss/);
  }
  assert.equal(Loss.safeParse('constructor').success, false);
});
