// Test (unit, renderer state): reading the page and its id from a location hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';

const { parseRoute } = await import('../../../../../renderer/src/lib/state/router.svelte.js');

test('a hash names the page and its id; no hash is the library', () => {
  assert.deepEqual(parseRoute('#/person/12'), { parts: ['person', '12'], page: 'person', id: 12, query: {} });
  assert.deepEqual(parseRoute('#people'), { parts: ['people'], page: 'people', id: undefined, query: {} });
  assert.deepEqual(parseRoute(''), { parts: [], page: 'library', id: undefined, query: {} });
  assert.deepEqual(parseRoute('#/'), { parts: [], page: 'library', id: undefined, query: {} });
});

test('an id that is not a positive integer is no id', () => {
  for (const bad of ['#/person/abc', '#/person/0', '#/person/-3', '#/person/1.5', '#/person/'])
    assert.equal(parseRoute(bad).id, undefined, bad);
  // Verify's pair of people rides on the parts
  assert.deepEqual(parseRoute('#/verify/3/7').parts, ['verify', '3', '7']);
});
