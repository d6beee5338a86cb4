// Integration test (attack suite): a seeded fuzzer — random and mutated calls, headers, bodies, URLs and WebSocket frames at the built `facelens serve` for a bounded time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { rng } from '../../src/engine/random.js';
import { METHODS } from '../../src/shared/contract.js';
import {
  json,
  makeLibrary,
  rawHttp,
  skipUnlessServable,
  sleep,
  startServe,
  type Library,
  type Served,
} from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const FUZZ = {
  seed: Number(process.env.FACELENS_FUZZ_SEED ?? 1337),
  /** Wall time of the run (CI: about 40 s); FACELENS_FUZZ_SECONDS runs it longer by hand. */
  seconds: Number(process.env.FACELENS_FUZZ_SECONDS ?? 40),
  /** Requests in flight at once. */
  concurrency: 8,
  /** After the run and a short rest, the server's RSS must be under its start plus this. */
  rssSlackMb: 250,
};
const skip = skipUnlessServable() || (process.platform === 'win32' ? 'FIFOs and /proc are POSIX' : false);
const MB = 1 << 20;
/** Calls that start long work (an import of whatever folder, a training run): sent with arguments no schema accepts. */
const HEAVY = new Set([
  'library.addFolders',
  'library.rescan',
  'library.removeFolder',
  'train.start',
  'lookalike.fineTune',
]);

describe(`seeded fuzzer (seed ${FUZZ.seed}, ${FUZZ.seconds} s)`, { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-fuzz-');
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;
  const envCanary = `ENVCANARY-${randomBytes(12).toString('hex')}`;
  let lib: Library;
  let s: Served;
  let outside: string;
  before(async () => {
    lib = makeLibrary(join(dir, 'library'), 3);
    outside = join(dir, 'outside');
    mkdirSync(outside);
    for (const name of ['canary.txt', 'canary.csv', 'pairs.txt'])
      writeFileSync(join(outside, name), `${canary},${canary},same\n10 300\n${canary}\t1\t2\n`);
    writeFileSync(join(outside, 'canary.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(canary)]));
    copyFileSync(join(lib.photos, 'p1.jpg'), join(outside, 'face.jpg'));
    execFileSync('mkfifo', [join(outside, 'fifo.txt')]);
    s = await startServe(lib.dbPath, { env: { FACELENS_FUZZ_CANARY: envCanary } });
  });
  after(async () => s?.stop('SIGKILL'));

  test('the server survives, answers, leaks no canary and gives its memory back', async (t) => {
    const random = rng(FUZZ.seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const paths = [
      join(outside, 'canary.txt'),
      join(outside, 'canary.csv'),
      join(outside, 'canary.jpg'),
      join(outside, 'pairs.txt'),
      join(outside, 'face.jpg'),
      join(outside, 'fifo.txt'),
      outside,
      lib.photos,
      join(lib.photos, 'p1.jpg'),
      '/proc/self/environ',
      '/proc/self/cmdline',
      '/dev/zero',
      '/dev/urandom',
      '/etc/passwd',
      `${outside}/../outside/canary.txt`,
      'relative/path',
      '\u0000/etc/passwd',
    ];
    const strings = ['', 'x'.repeat(5000), '../../etc/passwd', '%2e%2e%2f', '\ud800', '😀', '<script>', '__proto__', '1e309', ...paths]; // prettier-ignore
    const value = (depth = 0): unknown => {
      const k = depth > 3 ? int(4) : int(8);
      if (k === 0) return pick([0, -1, 1, 2, 3, 1.5, 2 ** 53, -(2 ** 31), 1e308, Number.MAX_SAFE_INTEGER]);
      if (k === 1) return pick(strings);
      if (k === 2) return pick([null, true, false]);
      if (k === 3) return int(100) + 1;
      if (k === 4) return Array.from({ length: int(4) }, () => value(depth + 1));
      if (k === 5) return { kind: pick(['pairs', 'people', 'x']), pairsFile: pick(paths), root: pick(paths) };
      const keys = ['a', 'b', 'name', 'base64', 'path', 'paths', 'labelsDir', 'personId', 'faceId', 'faceIds', 'photoId', 'headId', 'jobId', 'limit', 'offset', 'source', 'intoId', 'fromIds', 'k', 'loss', 'margins', 'maxPairs', '__proto__', 'constructor']; // prettier-ignore
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(keys), value(depth + 1)]));
    };
    const methodName = () => {
      const m = pick(METHODS);
      switch (int(10)) {
        case 0:
          return pick([
            '%E0%A4%A',
            '%',
            '%zz',
            '..%2f..%2fetc%2fpasswd',
            '__proto__',
            'constructor',
            '%00',
            'x'.repeat(3000),
          ]);
        case 1:
          return encodeURIComponent(m).replace('.', pick(['%2E', '%2e', '.', '..', '%252E']));
        case 2:
          return `${m}${pick(['/', '?x=1', '#', '%00', '.x', ' '])}`;
        default:
          return m;
      }
    };
    const decoded = (m: string) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    };
    const argsFor = (m: string) => {
      const a = value(1);
      if (!HEAVY.has(decoded(m))) return a;
      return { ...(a && typeof a === 'object' && !Array.isArray(a) ? a : {}), fuzz_refused: 1 };
    };
    const body = (m: string): string | Buffer => {
      switch (int(12)) {
        case 0:
          return pick(['{', 'null', '[]', '"x"', '{"args":', '\u0000', '{"args":{}}garbage', '']);
        case 1: {
          const n = pick([63, 64, 65, 500, 5000]);
          return `{"args":${'['.repeat(n)}1${']'.repeat(n)}}`;
        }
        case 2:
          return Buffer.alloc(pick([1 << 20, (1 << 20) + 1, 2 << 20]), 0x20);
        case 3:
          return randomBytes(int(2000));
        case 4:
          return JSON.stringify({ args: { a: { name: 'a.jpg', base64: randomBytes(int(30_000)).toString('base64') }, b: { name: 'b', base64: 'AAAA' } } }); // prettier-ignore
        case 5:
        case 6:
          return HEAVY.has(decoded(m))
            ? '{"args":{"fuzz_refused":1}}'
            : pick(['{"args":{}}', '{}', '{"args":{"limit":5}}']);
        default:
          return JSON.stringify({ args: argsFor(m) });
      }
    };
    const headers = (): Record<string, string> => {
      const h: Record<string, string> = {};
      const auth = int(10);
      if (auth < 6) h.Authorization = `Bearer ${s.token}`;
      else if (auth === 6) h.Authorization = `Bearer ${s.token}x`;
      else if (auth === 7) h.Authorization = pick(['Bearer', 'Basic abc', `bearer ${s.token}`, 'Bearer \u00ff']);
      const type = int(10);
      if (type < 7) h['Content-Type'] = 'application/json';
      else if (type === 7) h['Content-Type'] = pick(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'application/json; charset=utf-16']); // prettier-ignore
      if (int(6) === 0) h.Origin = pick(['http://evil.example', 'null', `http://127.0.0.1:${s.port}`, `http://localhost:${s.port}`]); // prettier-ignore
      if (int(8) === 0) h.Cookie = pick([`facelens-session-${s.port}=x`, 'a=b; c', '='.repeat(100), `facelens-session-${s.port}=${s.token}`]); // prettier-ignore
      if (int(10) === 0) h['X-Forwarded-For'] = '1.2.3.4';
      return h;
    };
    const urls = () =>
      pick([
        `/photo/${pick([1, 2, 3, 4, 0, -1, '01', '1e3', '9999999999999999', '1%2f..', '..%2f..%2fetc%2fpasswd'])}`,
        `/thumb/${pick([1, 2, 3, 99, '1?t=' + s.token, '%2e%2e'])}`,
        `/photo/1?t=${s.token}`,
        '/',
        '/index.html',
        '/assets/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/..%5c..%5cetc%5cpasswd',
        '/session',
        '/events',
        `/api/${methodName()}`,
        '//etc/passwd',
        '/\u0000',
        `/${'a/'.repeat(2000)}`,
      ]);

    const seen = { requests: 0, sockets: 0, raw: 0, byStatus: new Map<string, number>(), fiveHundreds: [] as string[] };
    const count = (k: string) => seen.byStatus.set(k, (seen.byStatus.get(k) ?? 0) + 1);
    const leaks: string[] = [];
    const look = (where: string, text: string) => {
      if (text.includes(canary) || text.includes(envCanary)) leaks.push(`${where}: ${text.slice(0, 300)}`);
    };
    // One honest listener hears every event (job errors included) for the whole run.
    const listener = await s.events();
    listener.on('message', (m) => look('event socket', String(m)));
    listener.on('error', () => undefined);

    const httpOne = async () => {
      const r = int(10);
      let method = 'POST';
      let url: string;
      let b: string | Buffer | undefined;
      if (r < 6) {
        const m = methodName();
        url = `/api/${m}`;
        b = body(m);
      } else {
        method = pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']);
        url = urls();
        // Only verbs whose body Node's client frames (others would send bytes the server reads as a next request).
        b = ['POST', 'PUT', 'PATCH'].includes(method) ? body('app.status') : undefined;
      }
      const h = headers();
      if (url.startsWith('/photo') || url.startsWith('/thumb') || int(3) === 0)
        h.Cookie = int(4) === 0 ? (h.Cookie ?? '') : await s.cookie();
      const host = int(15) === 0 ? pick(['evil.example', `127.0.0.1:${s.port + 1}`, '127.0.0.1', `localhost:${s.port}`]) : undefined; // prettier-ignore
      try {
        const res = await rawHttp(s.port, url, { method, headers: h, body: b, host, timeoutMs: 20_000 });
        seen.requests++;
        count(String(res.status));
        look(`${method} ${url}`, res.text);
        if (res.status >= 500)
          seen.fiveHundreds.push(`${method} ${url.slice(0, 80)} -> ${res.status} ${res.text.slice(0, 120)}`);
      } catch (e) {
        seen.requests++;
        count(`error ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    };

    const rawOne = () =>
      new Promise<void>((resolve) => {
        seen.raw++;
        const sock = connect(s.port, '127.0.0.1');
        let got = '';
        sock.on('data', (d) => (got += d.toString('latin1')));
        sock.on('error', () => undefined);
        sock.on('close', () => {
          look('raw socket', got);
          resolve();
        });
        const lines = [
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n\r\n`,
          `GET /\u0000 HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n\r\n`,
          `POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}`,
          `POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n`,
          `GET ${'/'.repeat(20000)} HTTP/1.1\r\n`,
          `${randomBytes(200).toString('latin1')}\r\n\r\n`,
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n${'X-A: b\r\n'.repeat(200)}\r\n`,
          `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ];
        sock.write(pick(lines));
        setTimeout(() => sock.destroy(), 300 + int(700));
      });

    const wsOne = async () => {
      seen.sockets++;
      const useCookie = int(4) !== 0;
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/events${int(5) === 0 ? `?t=${s.token}` : ''}`, {
        headers: useCookie ? { Cookie: await s.cookie() } : {},
        origin: int(6) === 0 ? 'http://evil.example' : undefined,
      });
      await new Promise<void>((resolve) => {
        ws.on('error', () => resolve());
        ws.on('close', () => resolve());
        ws.on('message', (m) => look('fuzz socket', String(m)));
        ws.on('open', () => {
          const n = int(4);
          for (let i = 0; i < n; i++) {
            const size = pick([0, 10, 4096, 4097, 70_000, 2 << 20]);
            ws.send(random() < 0.5 ? randomBytes(size) : 'x'.repeat(size), () => undefined);
          }
          if (int(3) === 0) ws.ping();
          setTimeout(() => (int(2) ? ws.terminate() : ws.close()), 200 + int(500));
        });
      });
    };

    const baseline = s.rss();
    let peak = baseline;
    const watch = setInterval(() => {
      if (s.alive()) peak = Math.max(peak, s.rss());
    }, 100);
    const deadline = Date.now() + FUZZ.seconds * 1000;
    const worker = async () => {
      while (Date.now() < deadline && s.alive()) {
        const k = int(20);
        if (k < 16) await httpOne();
        else if (k < 18) await rawOne();
        else await wsOne();
      }
    };
    await Promise.all(Array.from({ length: FUZZ.concurrency }, worker));
    clearInterval(watch);

    assert.ok(s.alive(), `the server died (seed ${FUZZ.seed}):\n${s.log().slice(-4000)}`);
    await sleep(2000);
    const settled = s.rss();
    const status = await s.api('app.status');
    listener.close();
    const summary =
      `seed ${FUZZ.seed}, ${FUZZ.seconds} s: ${seen.requests} HTTP requests, ${seen.raw} raw sockets, ${seen.sockets} ` +
      `WebSockets; statuses ${JSON.stringify(Object.fromEntries([...seen.byStatus].sort()))}; ` +
      `RSS start ${Math.round(baseline / MB)} MB, peak ${Math.round(peak / MB)} MB, after ${Math.round(settled / MB)} MB`;
    t.diagnostic(summary);
    assert.equal(status.status, 200, status.text);
    assert.equal(json(status).ok, true);
    assert.deepEqual(leaks, [], 'a canary left the machine');
    assert.deepEqual(seen.fiveHundreds, [], 'the door failed on a request');
    assert.ok(settled - baseline < FUZZ.rssSlackMb * MB, `memory did not come back: ${summary}`);
    assert.ok(seen.requests > FUZZ.seconds * 5, `too few requests: ${summary}`);
    // And it still stops on SIGTERM.
    const t0 = Date.now();
    const how = await s.stop('SIGTERM', 15_000);
    assert.notEqual(how, 'timeout');
    assert.ok(Date.now() - t0 < 10_000, `stopping took ${Date.now() - t0} ms`);
  });
});
