// Integration test (attack suite, finding 7): the session token stays out of URLs — fragment once, a header for calls, an HttpOnly cookie for files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { makeLibrary, skipUnlessServable, startServe, type Library, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable();

const opens = (url: string, headers: Record<string, string> = {}) =>
  new Promise<boolean>((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(true);
    });
    ws.on('error', () => resolve(false));
  });

describe('finding 7: the token moves out of URLs', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-token-');
  let lib: Library;
  let s: Served;
  let photo: number;
  let face: number;
  before(async () => {
    lib = makeLibrary(dir, 1);
    const db = new Database(lib.dbPath, { readonly: true });
    ({ photo, face } = db.prepare('SELECT photo_id AS photo, id AS face FROM faces LIMIT 1').get() as {
      photo: number;
      face: number;
    });
    db.close();
    s = await startServe(lib.dbPath);
  });
  after(async () => s?.stop('SIGKILL'));

  test('the printed address carries the token in its fragment only (never sent to a server, never logged)', () => {
    const u = new URL(s.url);
    assert.equal(u.search, '', s.url);
    assert.match(u.hash, /^#t=[A-Za-z0-9_-]{40,}$/);
    assert.equal(u.pathname, '/');
  });

  test('a token in the query is refused everywhere: calls, photos, thumbnails, the event socket', async () => {
    const q = `?t=${s.token}`;
    const call = await s.http(`/api/library.stats${q}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(call.status, 401);
    assert.equal((await s.http(`/photo/${photo}${q}`)).status, 401);
    assert.equal((await s.http(`/thumb/${face}${q}`)).status, 401);
    assert.equal(await opens(`ws://127.0.0.1:${s.port}/events${q}`), false);
  });

  test('an authenticated call sets an HttpOnly, SameSite=Strict, host-only session cookie that is not the token', async () => {
    const r = await s.http('/session', {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.ok(r.status === 200 || r.status === 204, `${r.status} ${r.text}`);
    const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    assert.equal(set.length, 1, JSON.stringify(set));
    const parts = set[0]!.split(';').map((p) => p.trim());
    const attrs = parts.slice(1).map((p) => p.toLowerCase());
    assert.ok(attrs.includes('httponly'), set[0]);
    assert.ok(attrs.includes('samesite=strict'), set[0]);
    assert.ok(attrs.includes('path=/'), set[0]);
    assert.ok(!attrs.some((a) => a.startsWith('domain=')), 'host-only: bound to 127.0.0.1');
    assert.ok(!attrs.some((a) => a.startsWith('expires=') || a.startsWith('max-age=')), 'a session cookie');
    assert.ok(!parts[0]!.includes(s.token), 'the cookie is not the API token');
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  test('the cookie opens photos, thumbnails and the event socket, and nothing else', async () => {
    const cookie = await s.cookie();
    const p = await s.http(`/photo/${photo}`, { headers: { Cookie: cookie } });
    assert.equal(p.status, 200);
    assert.match(String(p.headers['cache-control']), /private/);
    assert.equal(p.headers.vary, 'Cookie', 'cached per session, never for another door on the same port');
    assert.equal((await s.http(`/thumb/${face}`, { headers: { Cookie: cookie } })).status, 200);
    assert.equal(await opens(`ws://127.0.0.1:${s.port}/events`, { Cookie: cookie }), true);
    const call = await s.http('/api/library.stats', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(call.status, 401, 'the cookie alone cannot call the API');
    assert.equal((await s.http(`/photo/${photo}`, { headers: { Cookie: `${cookie}x` } })).status, 401);
    assert.equal((await s.http(`/photo/${photo}`)).status, 401);
  });

  test('the session endpoint needs the token, POST and this origin', async () => {
    const post = (headers: Record<string, string>, method = 'POST') =>
      s.http('/session', {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ Authorization: 'Bearer nope' })).status, 401);
    assert.equal((await post({ Authorization: `Bearer ${s.token}` }, 'GET')).status, 405);
    assert.equal((await post({ Authorization: `Bearer ${s.token}`, Origin: 'http://evil.example' })).status, 403);
  });
});
