// Test (unit, server): the web door over real HTTP and WebSocket with a real host on a real SQLite file — token, Host/Origin, size limits, paths.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EngineHost } from '../../../src/engine/host/host.js';
import { thumbPath } from '../../../src/engine/library/thumbs.js';
import { startWebDoor, type WebDoor } from '../../../src/server/server.js';
import { guardOptions } from '../../../src/server/guard.js';

// Own temp folder: the host must close (saving its index) before the folder is removed.
const dir = mkdtempSync(join(tmpdir(), 'facelens-door-'));
const staticDir = join(dir, 'renderer');
const secretDir = join(dir, 'secret');
let host: EngineHost;
let door: WebDoor;

before(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  mkdirSync(secretDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Facelens</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, '.env'), 'SECRET=1');
  writeFileSync(join(secretDir, 'passwd'), 'root:x:0:0');
  symlinkSync(join(secretDir, 'passwd'), join(staticDir, 'assets', 'link.js'));
  host = await EngineHost.open({ dbPath: join(dir, 'lib', 'library.db'), door: 'web', checkResults: true });
  door = await startWebDoor({ host, staticDir });
});
after(async () => {
  await door.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function http(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: door.port,
        path,
        method: o.method ?? 'GET',
        headers: { Host: `127.0.0.1:${door.port}`, ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
const api = (
  method: string,
  args?: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${door.token}` },
) =>
  http(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ args }),
  });

test('listens on 127.0.0.1 only and prints a URL with the token in its fragment', () => {
  assert.equal((door.server.address() as { address: string }).address, '127.0.0.1');
  assert.match(door.url, new RegExp(`^http://127\\.0\\.0\\.1:${door.port}/#t=[A-Za-z0-9_-]{40,}$`));
});

/** The session cookie for files and the event socket ([Note: token out of URLs]). */
async function cookie(): Promise<string> {
  const r = await http('/session', {
    method: 'POST',
    headers: { Authorization: `Bearer ${door.token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  assert.equal(r.status, 204);
  return String(r.headers['set-cookie']).split(';')[0]!;
}

test('every call needs the session token', async () => {
  assert.equal((await api('app.status', {}, {})).status, 401);
  assert.equal((await api('app.status', {}, { Authorization: 'Bearer nope' })).status, 401);
  assert.equal((await api('app.status', {}, { Authorization: `Bearer ${door.token}x` })).status, 401);
  const r = await api('app.status', {});
  assert.equal(r.status, 200);
  const body = JSON.parse(r.body);
  assert.equal(body.ok, true);
  assert.equal(body.value.door, 'web');
  assert.match(body.value.backend, /recognition: onnxruntime-node/);
});

test('answers are Results: invalid args, unknown methods, missing things', async () => {
  const badRes = await api('people.rename', { personId: -1, name: '' });
  assert.equal(badRes.status, 400);
  const bad = JSON.parse(badRes.body);
  assert.equal(bad.ok, false);
  assert.equal(bad.error.code, 'invalid-args');
  const unknown = await api('__proto__', {});
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.body).error.code, 'unknown-method');
  const missing = JSON.parse((await api('people.get', { personId: 12345 })).body);
  assert.equal(missing.error.code, 'not-found');
  const notJson = await http('/api/app.status', {
    method: 'POST',
    headers: { Authorization: `Bearer ${door.token}`, 'Content-Type': 'application/json' },
    body: '{oops',
  });
  assert.equal(notJson.status, 400);
  const notTyped = await http('/api/app.status', {
    method: 'POST',
    headers: { Authorization: `Bearer ${door.token}` },
    body: '{}',
  });
  assert.equal(notTyped.status, 415);
  assert.equal(
    (await http('/api/app.status', { headers: { Authorization: `Bearer ${door.token}` } })).status,
    405,
    'GET on the API',
  );
});

test('settings round-trip through the door and are kept in the library', async () => {
  const set = JSON.parse((await api('settings.set', { verifyThreshold: 0.42 })).body);
  assert.equal(set.value.verifyThreshold, 0.42);
  assert.equal(JSON.parse((await api('settings.get')).body).value.verifyThreshold, 0.42);
  assert.equal(JSON.parse((await api('settings.set', { verifyThreshold: 7 })).body).error.code, 'invalid-args');
});

test('bodies over the limit are refused with 413', async () => {
  const big = 'x'.repeat(guardOptions.maxBody + 10);
  const r = await api('app.status', { big });
  assert.equal(r.status, 413);
  assert.equal(JSON.parse(r.body).error.code, 'too-large');
});

test('a wrong Host (DNS rebinding) or a foreign Origin is refused even with the token', async () => {
  const auth = { Authorization: `Bearer ${door.token}` };
  assert.equal((await api('app.status', {}, { ...auth, Host: `evil.example:${door.port}` })).status, 421);
  assert.equal((await api('app.status', {}, { ...auth, Origin: 'http://evil.example' })).status, 403);
  assert.equal((await api('app.status', {}, { ...auth, Origin: `http://127.0.0.1:${door.port}` })).status, 200);
});

test('the built renderer is served with a strict CSP; no path outside it ever is', async () => {
  const index = await http('/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-security-policy']), /default-src 'none'/);
  assert.equal((await http('/assets/app.js')).status, 200);
  for (const p of [
    '/../secret/passwd',
    '/%2e%2e/secret/passwd',
    '/assets/%2e%2e/%2e%2e/secret/passwd',
    '/assets/..%2f..%2fsecret/passwd',
    '/assets/link.js',
    '/.env',
    '/index.html%00.js',
    '/..%5csecret%5cpasswd',
    '//etc/passwd',
    '/assets/%E0%A4%A',
  ]) {
    const r = await http(p);
    assert.equal(r.status, 404, `${p} -> ${r.status}`);
    assert.doesNotMatch(r.body, /root:x/);
  }
});

test('thumbnails need the token, are looked up by id, and only inside the thumbs folder', async () => {
  const db = join(dir, 'lib', 'library.db');
  mkdirSync(join(thumbPath(db, 7), '..'), { recursive: true });
  writeFileSync(thumbPath(db, 7), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  mkdirSync(join(thumbPath(db, 8), '..'), { recursive: true });
  symlinkSync(join(secretDir, 'passwd'), thumbPath(db, 8));
  assert.equal((await http('/thumb/7')).status, 401);
  assert.equal((await http(`/thumb/7?t=${door.token}`)).status, 401, 'no token in URLs');
  const headers = { Cookie: await cookie() };
  const ok = await http('/thumb/7', { headers });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'image/jpeg');
  assert.equal((await http('/thumb/8', { headers })).status, 404, 'symlink out of thumbs/');
  assert.equal((await http('/thumb/9', { headers })).status, 404);
  assert.equal((await http('/thumb/..%2f..%2fsecret', { headers })).status, 404);
  assert.equal((await http('/photo/1', { headers })).status, 404, 'no such photo');
});

test('the event socket needs the session cookie and a same-origin page, then carries host events', async () => {
  const headers = { Cookie: await cookie() };
  const refused = await new Promise<boolean>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${door.port}/events?t=${door.token}`);
    ws.on('open', () => resolve(false));
    ws.on('error', () => resolve(true));
  });
  assert.ok(refused, 'a token in the URL is refused');
  const foreign = await new Promise<boolean>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${door.port}/events`, { origin: 'http://evil.example', headers });
    ws.on('open', () => resolve(false));
    ws.on('error', () => resolve(true));
  });
  assert.ok(foreign, 'foreign origin refused');
  const ws = new WebSocket(`ws://127.0.0.1:${door.port}/events`, { headers });
  await new Promise((r) => ws.on('open', r));
  const got = new Promise<unknown>((r) => ws.on('message', (m) => r(JSON.parse(String(m)))));
  host.emit('people.changed', { reason: 'test' });
  assert.deepEqual(await got, { event: 'people.changed', payload: { reason: 'test' } });
  ws.close();
});
