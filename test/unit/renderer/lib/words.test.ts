// Test (unit, renderer): people in words ("Unnamed group of 12 faces"), never ids; counts: test/unit/shared/words.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faceLabel, legendName, personLabel } from '../../../../renderer/src/lib/words.js';

test('a person is their name, or the group they are; never a number', () => {
  assert.equal(personLabel({ name: 'Ada', faceCount: 3 }), 'Ada');
  assert.equal(personLabel({ name: null, faceCount: 12 }), 'Unnamed group of 12 faces');
  assert.equal(personLabel({ name: null, faceCount: 1 }), 'Unnamed group of 1 face');
});

test('a face box says whose face it is, else why it is nobody’s', () => {
  assert.equal(faceLabel({ personName: 'Ada', personId: 4, lowQuality: false }), 'Ada');
  assert.equal(faceLabel({ personName: null, personId: 4, lowQuality: false }), 'Unnamed');
  assert.equal(faceLabel({ personName: null, personId: null, lowQuality: true }), 'low quality');
  assert.equal(faceLabel({ personName: null, personId: null, lowQuality: false }), 'unknown');
});

test('a chart legend gets a head name short enough to read, its kind and date kept', () => {
  const long = 'arcface fine-tune · 20 epochs · 12 people (Person 1, Person 10, …) · 2026-11-30 18:27';
  assert.equal(legendName(long), 'arcface fine-tune · 2026-11-30 18:27');
  assert.equal(legendName('identity (active)'), 'identity (active)');
  const one = 'x'.repeat(60);
  assert.equal(legendName(one).length, 40);
  assert.ok(legendName(one).endsWith('…'));
});
