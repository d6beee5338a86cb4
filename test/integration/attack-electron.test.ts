// Integration test (attack suite, finding 8): Electron's IPC handlers, link and CSP rules at the module level — forged senders and frames, outside links.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rng } from '../../src/engine/cluster/synthetic.js';
import {
  channelOf,
  DROPPED_CHANNEL,
  METHODS_CHANNEL,
  PICK_FILE_CHANNEL,
  PICK_FOLDERS_CHANNEL,
  registerContract,
  registerPickers,
  RENDERER_METHODS,
  type IpcMainLike,
} from '../../src/main/ipc.js';
import { APP_CSP, externalLinkAllowed, navigationAllowed } from '../../src/main/policy.js';
import { METHODS } from '../../src/shared/contract.js';

const ROOT = join(import.meta.dirname, '..', '..');
const APP = 'facelens://app/index.html#/people';
type Handler = Parameters<IpcMainLike['handle']>[1];
type SyncHandler = Parameters<IpcMainLike['on']>[1];

/** Every IPC handler main registers, over a stand-in ipcMain that records them. */
function registered() {
  const handle = new Map<string, Handler>();
  const on = new Map<string, SyncHandler>();
  const ipc: IpcMainLike = { handle: (c, l) => void handle.set(c, l), on: (c, l) => void on.set(c, l) };
  const forwarded: string[] = [];
  const chosen: string[][] = [];
  let picked = 0;
  const isApp = (id: number) => id === 1;
  registerContract(ipc, isApp, async (m) => (forwarded.push(m), { ok: true, value: null }));
  registerPickers(
    ipc,
    isApp,
    {
      folders: async () => (picked++, ['/home/user/Pictures']),
      file: async () => (picked++, ['/home/user/pairs.txt']),
    },
    async (paths) => (chosen.push(paths), paths),
  );
  return { handle, on, forwarded, chosen, picked: () => picked + chosen.length };
}

const top = { senderFrame: { url: APP, parent: null }, sender: { id: 1 } };
/** Senders that must be refused on every channel. */
const forged = [
  { name: 'an iframe of the app window', e: { senderFrame: { url: APP, parent: {} }, sender: { id: 1 } } },
  { name: 'another window', e: { senderFrame: { url: APP, parent: null }, sender: { id: 2 } } },
  {
    name: 'a page navigated away',
    e: { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 1 } },
  },
  { name: 'a file: page', e: { senderFrame: { url: 'file:///tmp/x.html', parent: null }, sender: { id: 1 } } },
  {
    name: 'a look-alike scheme host',
    e: { senderFrame: { url: 'facelens://app.evil/x', parent: null }, sender: { id: 1 } },
  },
  { name: 'a destroyed frame', e: { senderFrame: null, sender: { id: 1 } } },
];

const PICKERS = [PICK_FOLDERS_CHANNEL, PICK_FILE_CHANNEL, DROPPED_CHANNEL];

test('every IPC handler, the dialogs and drops included, refuses forged senders and frames', async () => {
  const r = registered();
  for (const p of PICKERS) assert.ok(r.handle.has(p), `${p} is registered through the checked wrapper`);
  assert.equal(r.handle.size, RENDERER_METHODS.length + PICKERS.length);
  for (const { name, e } of forged) {
    for (const [channel, h] of r.handle) {
      const answer = (await h(e as never, ['/etc'])) as { ok?: boolean } | string[];
      if (PICKERS.includes(channel)) assert.deepEqual(answer, [], `${name} got paths from ${channel}`);
      else assert.equal((answer as { ok: boolean }).ok, false, `${name} called ${channel}`);
    }
    const ev = { ...e, returnValue: undefined as unknown };
    r.on.get(METHODS_CHANNEL)!(ev as never);
    assert.deepEqual(ev.returnValue, [], `${name} listed the methods`);
  }
  assert.deepEqual(r.forwarded, [], 'nothing reached the engine');
  assert.equal(r.picked(), 0, 'no dialog opened, nothing chosen');
  // The app's own top frame is served; what the user picked or dropped is chosen for the engine first.
  assert.deepEqual(await r.handle.get(PICK_FOLDERS_CHANNEL)!(top as never), ['/home/user/Pictures']);
  assert.deepEqual(await r.handle.get(DROPPED_CHANNEL)!(top as never, ['/home/user/x', 7, '']), ['/home/user/x']);
  assert.deepEqual(r.chosen, [['/home/user/Pictures'], ['/home/user/x']]);
  assert.deepEqual(await r.handle.get(channelOf('library.stats'))!(top as never, {}), { ok: true, value: null });
  const ev = { ...top, returnValue: undefined as unknown };
  r.on.get(METHODS_CHANNEL)!(ev as never);
  assert.deepEqual(ev.returnValue, RENDERER_METHODS);
  // The renderer cannot choose paths itself: files.choose is main's.
  assert.ok(METHODS.includes('files.choose') && !RENDERER_METHODS.includes('files.choose'));
  assert.equal(r.handle.has(channelOf('files.choose')), false);
});

test('seeded: random senders and random args never reach the engine unless the sender is the app (seed 13)', async () => {
  const random = rng(13);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const r = registered();
  const channels = [...r.handle.keys()];
  const urls = [
    APP,
    'facelens://app/',
    'https://evil.example',
    'facelens://thumb/1',
    'about:blank',
    '',
    'javascript:1',
  ];
  let trusted = 0;
  for (let i = 0; i < 2000; i++) {
    const url = pick(urls);
    const parent = random() < 0.8 ? null : {};
    const id = pick([1, 1, 2, 99]);
    const e = { senderFrame: random() < 0.05 ? null : { url, parent }, sender: { id } };
    const isTrusted = e.senderFrame !== null && parent === null && id === 1 && url.startsWith('facelens://app/');
    const before = r.forwarded.length + r.picked();
    await r.handle.get(pick(channels))!(e as never, pick([{}, null, [], 'x', { __proto__: { a: 1 } }, { limit: -1 }]));
    const reached = r.forwarded.length + r.picked() - before;
    if (!isTrusted) assert.equal(reached, 0, `untrusted ${JSON.stringify(e)} got through`);
    trusted += reached;
  }
  assert.ok(trusted > 0, 'some trusted calls with valid args went through');
});

test('external links: none opens outside the app unless on the allow-list', () => {
  for (const url of [
    'https://evil.example/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'smb://host/share',
    'javascript:alert(1)',
    'https://github.com.evil.example/',
    'not a url',
  ])
    assert.equal(externalLinkAllowed(url), false, url);
  for (const url of ['facelens://app/index.html', 'facelens://app/x']) assert.equal(navigationAllowed(url), true);
  for (const url of ['https://evil.example/', 'facelens://thumb/1', 'facelens://app.evil/', 'file:///x'])
    assert.equal(navigationAllowed(url), false, url);
});

test('the CSP allows no WebSocket, no remote connection and no plugin: the page meta and the header', () => {
  const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.ok(meta, 'the page carries a CSP');
  for (const csp of [meta, APP_CSP]) {
    assert.doesNotMatch(csp, /wss?:/, csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'|object-src 'none'|default-src 'none'/);
  }
});
