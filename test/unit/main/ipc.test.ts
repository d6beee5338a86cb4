// Test (unit, main): the IPC wrapper — sender checks, zod validation and one channel per contract method, without Electron.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelOf,
  checkCall,
  registerContract,
  trustedSender,
  METHODS_CHANNEL,
  type IpcMainLike,
} from '../../../src/main/ipc.js';
import { RENDERER_METHODS } from '../../../src/main/ipc.js';

const app = { url: 'facelens://app/index.html#/people', isAppWindow: true };

test('only the top frame of an app window showing the app pages is trusted', () => {
  assert.ok(trustedSender(app));
  assert.equal(trustedSender({ ...app, isAppWindow: false }), false);
  for (const url of [
    'https://evil.example/',
    'file:///etc/passwd',
    'facelens://thumb/1',
    'facelens://app.evil/x',
    'about:blank',
    'not a url',
    undefined,
  ]) {
    assert.equal(trustedSender({ url, isAppWindow: true }), false, String(url));
  }
});

test('checkCall refuses untrusted senders, unknown methods and bad args, and fills defaults', () => {
  assert.equal(
    (
      checkCall('people.list', {}, { url: 'https://evil.example', isAppWindow: true }) as {
        ok: false;
        error: { code: string };
      }
    ).error.code,
    'unauthorized',
  );
  assert.equal(
    (checkCall('__proto__', {}, app) as { ok: false; error: { code: string } }).error.code,
    'unknown-method',
  );
  assert.equal(
    (checkCall('people.merge', { intoId: 'x' }, app) as { ok: false; error: { code: string } }).error.code,
    'invalid-args',
  );
  const good = checkCall('people.list', undefined, app);
  assert.ok(good.ok);
  assert.deepEqual(good.ok && good.value.args, { offset: 0, limit: 200, includeHidden: false, named: 'all' });
});

test('registerContract gives each method its own channel and forwards only checked calls', async () => {
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  let methodsListener: Parameters<IpcMainLike['on']>[1] | undefined;
  const ipc: IpcMainLike = {
    handle: (c, l) => void handlers.set(c, l),
    on: (c, l) => void (c === METHODS_CHANNEL && (methodsListener = l)),
  };
  const forwarded: unknown[] = [];
  registerContract(
    ipc,
    (id) => id === 1,
    async (m, a) => (forwarded.push([m, a]), { ok: true, value: 'engine' }),
  );
  assert.equal(handlers.size, RENDERER_METHODS.length);
  const ev = { senderFrame: { url: app.url, parent: null }, sender: { id: 1 }, returnValue: undefined as unknown };
  methodsListener!(ev);
  assert.deepEqual(ev.returnValue, RENDERER_METHODS);
  const stranger = { senderFrame: { url: app.url, parent: {} }, sender: { id: 1 }, returnValue: undefined as unknown };
  methodsListener!(stranger);
  assert.deepEqual(stranger.returnValue, [], 'an iframe hears no method names');

  const merge = handlers.get(channelOf('people.merge'))!;
  const top = { senderFrame: { url: app.url, parent: null }, sender: { id: 1 } };
  assert.deepEqual(await merge(top, { intoId: 1, fromIds: [2] }), { ok: true, value: 'engine' });
  const iframe = { senderFrame: { url: app.url, parent: {} }, sender: { id: 1 } };
  assert.equal(((await merge(iframe, { intoId: 1, fromIds: [2] })) as { ok: boolean }).ok, false);
  const otherWindow = { senderFrame: { url: app.url, parent: null }, sender: { id: 2 } };
  assert.equal(((await merge(otherWindow, { intoId: 1, fromIds: [2] })) as { ok: boolean }).ok, false);
  assert.equal(((await merge(top, { intoId: 1, fromIds: [2], extra: 1 })) as { ok: boolean }).ok, false);
  assert.deepEqual(forwarded, [['people.merge', { intoId: 1, fromIds: [2] }]]);
});
