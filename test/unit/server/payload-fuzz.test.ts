// Test (unit, server + main): seeded fuzzing of every contract method's payload through the IPC check and the real web door.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rng } from '../../../src/engine/cluster/synthetic.js';
import { EngineHost } from '../../../src/engine/host/host.js';
import { checkCall, RENDERER_METHODS } from '../../../src/main/ipc.js';
import { startWebDoor, type WebDoor } from '../../../src/server/server.js';
import { METHODS } from '../../../src/shared/contract.js';

const FUZZ = { seed: 42, perMethodIpc: 60, perMethodHttp: 4 };
const random = rng(FUZZ.seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** A random JSON value: odd numbers, hostile strings, deep nesting, prototype keys. */
function value(depth = 0): unknown {
  const kinds = depth > 4 ? ['num', 'str', 'null', 'bool'] : ['num', 'str', 'null', 'bool', 'arr', 'obj', 'deep'];
  switch (pick(kinds)) {
    case 'num':
      return pick([0, -1, 1.5, 2 ** 53 + 2, -(2 ** 31), 1e308, -1e-308, 123456789]);
    case 'str':
      return pick([
        '',
        'x'.repeat(10_000),
        '../../etc/passwd',
        '\u0000',
        '😀\ud800',
        '<script>',
        '%2e%2e/',
        '1; DROP TABLE faces',
      ]);
    case 'null':
      return null;
    case 'bool':
      return random() < 0.5;
    case 'arr':
      return Array.from({ length: Math.floor(random() * 5) }, () => value(depth + 1));
    case 'deep': {
      let v: unknown = 1;
      for (let i = 0; i < 60; i++) v = { a: v };
      return v;
    }
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [
          pick(['id', 'ids', 'name', 'path', 'k', 'limit', 'offset', 'faceIds', 'personId', 'folders']),
          value(depth + 1),
        ]),
      );
  }
}

/** Args that no strict schema accepts: a random object with a key no method declares, or not an object at all. */
function invalidArgs(): unknown {
  if (random() < 0.3) return pick([[], 'args', 7, true, [1, 2, 3]]);
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 3); i > 0; i--) o[pick(['id', 'name', 'path', 'limit', 'faceIds'])] = value(1);
  o[`fuzz_${Math.floor(random() * 1e6)}`] = value(1);
  return o;
}

test(`IPC: ${FUZZ.perMethodIpc} malformed payloads per method are refused as invalid-args, never thrown (seed ${FUZZ.seed})`, () => {
  const sender = { isAppWindow: true, url: 'facelens://app/index.html' };
  for (const method of RENDERER_METHODS) {
    for (let i = 0; i < FUZZ.perMethodIpc; i++) {
      const args = invalidArgs();
      const r = checkCall(method, args, sender);
      assert.equal(r.ok, false, `${method} accepted ${JSON.stringify(args).slice(0, 200)}`);
      if (!r.ok) assert.equal(r.error.code, 'invalid-args');
    }
    // Random (maybe valid) values must never throw either.
    for (let i = 0; i < 10; i++) assert.doesNotThrow(() => checkCall(method, value(), sender));
  }
  const polluted = checkCall(METHODS[0]!, JSON.parse('{"__proto__": {"polluted": true}}'), sender);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  assert.equal(typeof polluted.ok, 'boolean');
});

const dir = mkdtempSync(join(tmpdir(), 'facelens-fuzz-'));
let host: EngineHost;
let door: WebDoor;
before(async () => {
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Facelens</title>');
  host = await EngineHost.open({ dbPath: join(dir, 'lib', 'library.db'), door: 'web' });
  door = await startWebDoor({ host, staticDir: join(dir, 'renderer') });
});
after(async () => {
  await door.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: string, token: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: door.port,
        path,
        method: 'POST',
        headers: { Host: `127.0.0.1:${door.port}`, 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, // prettier-ignore
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test(`web door: malformed bodies, names and tokens get a clear 4xx or an ok:false answer, and the door stays up (seed ${FUZZ.seed})`, async () => {
  const token = new URLSearchParams(new URL(door.url).hash.slice(1)).get('t') ?? undefined;
  assert.ok(token, 'the door prints its token in its URL fragment');
  for (const method of METHODS) {
    for (let i = 0; i < FUZZ.perMethodHttp; i++) {
      const body =
        random() < 0.25
          ? pick(['{', 'null', '[]', '"x"', '\u0000', '{"args":'])
          : JSON.stringify({ args: invalidArgs() });
      const r = await post(`/api/${method}`, body, token);
      assert.ok(r.status < 500, `${method} answered ${r.status} to ${body.slice(0, 120)}`);
      const parsed = JSON.parse(r.body) as { ok: boolean; error?: { code: string; message: string } };
      assert.equal(parsed.ok, false, `${method} accepted ${body.slice(0, 120)}`);
      assert.ok(parsed.error && parsed.error.message.length > 0);
    }
    const noToken = await post(`/api/${method}`, '{}', pick([undefined, 'wrong', `${token}x`]));
    assert.equal(noToken.status, 401);
  }
  for (const name of ['%E0%A4%A', '..%2f..%2fetc', 'x'.repeat(5000), 'constructor', '__proto__', 'people.list%00']) {
    const r = await post(`/api/${name}`, '{}', token);
    assert.ok(
      (r.status >= 400 && r.status < 500) || JSON.parse(r.body).ok === false,
      `/api/${name.slice(0, 40)} -> ${r.status}`,
    );
  }
  // Still serving after all of it.
  const ok = await post(`/api/${METHODS.find((m) => m.endsWith('.stats')) ?? METHODS[0]}`, '{"args":{}}', token);
  assert.equal(ok.status, 200);
});
