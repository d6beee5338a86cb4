// Test (unit, renderer state): notices say what the engine answered when a call fails, keep the newest few, and go away in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';
import { ApiError } from '../../../../../src/shared/result.js';
import { openHostApi, until } from '../../host-api.js';

const { Notices } = await import('../../../../../renderer/src/lib/state/notices.svelte.js');
const { api } = await openHostApi();

test("attempt reports the engine's error and answers undefined; a success passes through", async () => {
  const notices = new Notices();
  const missing = await notices.attempt(() => api.people.get({ personId: 424242 }));
  assert.equal(missing, undefined);
  const bad = await notices.attempt(() => api.people.rename({ personId: 1, name: '   ' }));
  assert.equal(bad, undefined);
  const stats = await notices.attempt(() => api.library.stats());
  assert.equal(stats?.photos, 0);
  assert.deepEqual(
    notices.items.map((n) => n.kind),
    ['error', 'error'],
  );
  // The engine's own words reach the user: which person, which argument.
  assert.match(notices.items[0]!.text, /424242/);
  assert.match(notices.items[1]!.text, /people\.rename/);
  notices.dispose();
});

test('the error text: an ApiError says its message, anything else its message', () => {
  const notices = new Notices();
  notices.error(new ApiError('not-found', 'no person 9'));
  notices.error(new ApiError('conflict', 'cannot merge a person into itself'));
  notices.error(new Error('disk full'));
  notices.error('plain words');
  assert.deepEqual(
    notices.items.map((n) => n.text),
    ['no person 9', 'cannot merge a person into itself', 'disk full', 'plain words'],
  );
  notices.dispose();
});

test('only the newest few are shown; dismiss removes one', () => {
  const notices = new Notices({ shown: 3 });
  for (let i = 1; i <= 5; i++) notices.info(`n${i}`);
  assert.deepEqual(
    notices.items.map((n) => n.text),
    ['n3', 'n4', 'n5'],
  );
  notices.dismiss(notices.items[1]!.id);
  assert.deepEqual(
    notices.items.map((n) => n.text),
    ['n3', 'n5'],
  );
  notices.dispose();
});

test('an info goes before an error; dispose keeps what is shown', async () => {
  const notices = new Notices({ infoMs: 30, errorMs: 300 });
  notices.info('saved');
  notices.error(new Error('failed'));
  await until('the info to go', () => notices.items.length === 1, 5000);
  assert.equal(notices.items[0]!.kind, 'error');
  await until('the error to go', () => notices.items.length === 0, 5000);

  const kept = new Notices({ infoMs: 30 });
  kept.info('stays');
  kept.dispose();
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(kept.items.length, 1);
});

test('a notice on a topic takes the place of the older one on it; notices without a topic all stay', () => {
  const notices = new Notices();
  notices.info('Importing /photos/a', 'import');
  notices.info('saved');
  notices.info('Import finished: 12 photos.', 'import');
  notices.info('saved');
  assert.deepEqual(
    notices.items.map((n) => n.text),
    ['saved', 'Import finished: 12 photos.', 'saved'],
  );
  notices.error(new Error('Import failed: disk full'), 'import');
  assert.deepEqual(
    notices.items.map((n) => [n.kind, n.text]),
    [
      ['info', 'saved'],
      ['info', 'saved'],
      ['error', 'Import failed: disk full'],
    ],
  );
  notices.dispose();
});
