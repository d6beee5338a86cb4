// Test (unit, renderer state): the Train page's choices: everyone ticked until unticked, people named later included, margins per loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';
import { presetMargins } from '../../../../../src/shared/losses.js';

const { TrainForm } = await import('../../../../../renderer/src/lib/state/train-form.svelte.js');

test('every named person is ticked until the user unticks them; a person named later is ticked', () => {
  const form = new TrainForm();
  assert.deepEqual(form.chosen([1, 2, 3]), [1, 2, 3]);
  form.toggle(2);
  assert.deepEqual(form.chosen([1, 2, 3]), [1, 3]);
  assert.deepEqual(form.chosen([1, 2, 3, 4]), [1, 3, 4], 'named since: ticked');
  form.toggle(2);
  assert.deepEqual(form.chosen([1, 2, 3]), [1, 2, 3]);
  form.setAll([1, 2, 3], false);
  assert.deepEqual(form.chosen([1, 2, 3]), []);
  form.setAll([1, 2, 3], true);
  assert.deepEqual(form.chosen([1, 2, 3]), [1, 2, 3]);
});

test('a base loss brings its own margins; epochs stay as set', () => {
  const form = new TrainForm();
  assert.equal(form.base, 'arcface');
  form.epochs = 3;
  form.pickBase('cosface');
  assert.deepEqual(form.margins, presetMargins('cosface'));
  assert.equal(form.epochs, 3);
});
