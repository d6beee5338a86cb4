// Unit tests (shared): counts in words, as the engine's messages and the renderer say them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count } from '../../../src/shared/words.js';

test('one thing is singular, any other number plural, with the plural given where the word takes no s', () => {
  assert.equal(count(1, 'new photo'), '1 new photo');
  assert.equal(count(0, 'face'), '0 faces');
  assert.equal(count(12, 'new group'), '12 new groups');
  assert.equal(count(1, 'person', 'people'), '1 person');
  assert.equal(count(3, 'person', 'people'), '3 people');
});
