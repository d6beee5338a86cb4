// Test (unit, main): "show in folder" — the channel checks its sender and its photo id, asks for the photo's own file, and reveals nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpcMainLike } from '../../../src/main/ipc.js';
import { registerReveal, REVEAL_CHANNEL } from '../../../src/main/reveal.js';

type Handler = Parameters<IpcMainLike['handle']>[1];

function setup(files: Record<number, string>) {
  let handler: Handler | undefined;
  const shown: string[] = [];
  const asked: number[] = [];
  registerReveal(
    { handle: (c, l) => void (c === REVEAL_CHANNEL && (handler = l)) },
    (id) => id === 1,
    async (photoId) => (asked.push(photoId), files[photoId]),
    (path) => void shown.push(path),
  );
  assert.ok(handler, 'the channel is registered');
  return { call: (event: Parameters<Handler>[0], arg: unknown) => handler!(event, arg), shown, asked };
}

const top = { senderFrame: { url: 'facelens://app/index.html#/timeline', parent: null }, sender: { id: 1 } };

test('a trusted frame reveals the file of a photo id', async () => {
  const r = setup({ 7: '/home/me/Pictures/a.jpg' });
  assert.deepEqual(await r.call(top, 7), { ok: true, value: { path: '/home/me/Pictures/a.jpg' } });
  assert.deepEqual(r.shown, ['/home/me/Pictures/a.jpg']);
});

test('untrusted frames, odd arguments and photos without a file reveal nothing', async () => {
  const r = setup({ 7: '/home/me/Pictures/a.jpg' });
  const code = async (event: Parameters<Handler>[0], arg: unknown) =>
    ((await r.call(event, arg)) as { ok: false; error: { code: string } }).error.code;
  assert.equal(await code({ ...top, senderFrame: { url: 'https://evil.example/', parent: null } }, 7), 'unauthorized');
  assert.equal(await code({ ...top, senderFrame: { url: top.senderFrame.url, parent: {} } }, 7), 'unauthorized');
  assert.equal(await code({ ...top, sender: { id: 2 } }, 7), 'unauthorized');
  assert.equal(await code({ ...top, senderFrame: null }, 7), 'unauthorized');
  for (const bad of ['/etc/passwd', -1, 0, 1.5, '7', null, { photoId: 7 }])
    assert.equal(await code(top, bad), 'invalid-args', JSON.stringify(bad));
  assert.equal(await code(top, 8), 'not-found');
  assert.deepEqual(r.shown, [], 'nothing was revealed');
  assert.deepEqual(r.asked, [8], 'the engine was asked only for the one valid id from a trusted frame');
});
