// Test helper (attack suite): the built `facelens serve` (bin/facelens.js) on a library of a few real photos, raw HTTP, the event socket, its RSS.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { BIN, ROOT, skipUnlessBuilt } from './built.js';
import { dataPath } from './data.js';

/** Why the attack suite cannot run here (not built, or no real photos), or false. */
export function skipUnlessServable(): string | false {
  const built = skipUnlessBuilt({ renderer: true });
  if (built) return built;
  if (!dataPath('fixtures', 'wild')) return 'needs ../shared/data/fixtures/wild (real photos; absent in this checkout)';
  return false;
}

/** The first `n` photos of fixtures/wild (sorted), as absolute paths. */
export function wildPhotos(n: number): string[] {
  const root = dataPath('fixtures', 'wild')!;
  const out: string[] = [];
  for (const d of readdirSync(root).sort())
    if (statSync(join(root, d)).isDirectory())
      for (const f of readdirSync(join(root, d)).sort()) if (/\.jpe?g$/i.test(f)) out.push(join(root, d, f));
  return out.slice(0, n);
}

export interface Library {
  dir: string;
  photos: string;
  dbPath: string;
}

/** A library in `dir`: `n` real photos copied into dir/photos, imported with the built CLI into dir/lib/library.db. */
export function makeLibrary(dir: string, n = 3): Library {
  const photos = join(dir, 'photos');
  mkdirSync(photos, { recursive: true });
  wildPhotos(n).forEach((p, i) => copyFileSync(p, join(photos, `p${i + 1}.jpg`)));
  const dbPath = join(dir, 'lib', 'library.db');
  const r = spawnSync(process.execPath, [BIN, 'import', photos, '--db', dbPath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { dir, photos, dbPath };
}

/** Gives a whole tree to `nobody` (the server then runs as that user: see startServe's `asNobody`). */
export function chownTree(path: string, uid = 65534, gid = 65534): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const f of readdirSync(path)) chownTree(join(path, f), uid, gid);
}

export interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface Served {
  child: ChildProcess;
  port: number;
  token: string;
  /** The address `facelens serve` printed. */
  url: string;
  log(): string;
  /** The server process is still running. */
  alive(): boolean;
  /** Its resident set size in bytes (Linux /proc). */
  rss(): number;
  http(path: string, o?: RequestOptions): Promise<Res>;
  /** POST /api/<method> with the session token in the Authorization header and {args} as the JSON body. */
  api(method: string, args?: unknown, headers?: Record<string, string>): Promise<Res>;
  /** The session cookie for photos, thumbnails and the event socket (POST /session with the token). */
  cookie(): Promise<string>;
  /** GET a photo or thumbnail (/photo/N, /thumb/N) with the session cookie. */
  media(path: string, o?: RequestOptions): Promise<Res>;
  /** The event socket, authenticated by the session cookie. */
  events(): Promise<WebSocket>;
  /** Sends `signal` and resolves with the exit code or signal once the process ended (or 'timeout'). */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<number | string>;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Replace the Host header (defaults to 127.0.0.1:port). */
  host?: string;
  timeoutMs?: number;
}

/** One raw HTTP request (no agent, no keep-alive); a reset connection rejects. */
export function rawHttp(port: number, path: string, o: RequestOptions = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        agent: false,
        headers: { Host: o.host ?? `127.0.0.1:${port}`, ...o.headers },
        timeout: o.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(o.body);
  });
}

/**
 * Starts `node bin/facelens.js serve --port 0 --db dbPath` and waits for its address line. `asNobody` runs it as
 * uid/gid 65534 when the tests run as root (root reads every file, so an unreadable photo needs another user).
 */
export async function startServe(
  dbPath: string,
  o: { asNobody?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Served> {
  const asNobody = o.asNobody && process.getuid?.() === 0;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', dbPath], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((r) => child.once('exit', (code, sig) => r(code ?? sig ?? 'exit')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address within 60 s:\n${out}`)), 60_000);
    const look = () => {
      const m = /Facelens web door: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before serving:\n${out}`)));
  });
  const u = new URL(url);
  const port = Number(u.port);
  const token = new URLSearchParams(u.hash.replace(/^#/, '')).get('t') ?? '';
  let cookie: string | undefined;
  const s: Served = {
    child,
    port,
    token,
    url,
    log: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    rss: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return Number(m?.[1] ?? 0) * 1024;
    },
    http: (path, ro) => rawHttp(port, path, ro),
    api: (method, args, headers) =>
      rawHttp(port, `/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify({ args: args ?? {} }),
      }),
    cookie: async () => {
      if (cookie) return cookie;
      const r = await rawHttp(port, '/session', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
      if (r.status >= 300 || !set.length) throw new Error(`POST /session answered ${r.status}: ${r.text}`);
      cookie = set.map((c) => c.split(';')[0]).join('; ');
      return cookie;
    },
    media: async (path, ro = {}) =>
      rawHttp(port, path, { ...ro, headers: { Cookie: await s.cookie(), ...ro.headers } }),
    events: async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, { headers: { Cookie: await s.cookie() } });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return ws;
    },
    stop: async (signal = 'SIGTERM', withinMs = 20_000) => {
      if (!s.alive()) return exited;
      child.kill(signal);
      const r = await Promise.race([exited, new Promise<string>((res) => setTimeout(() => res('timeout'), withinMs))]);
      if (r === 'timeout') child.kill('SIGKILL');
      return r;
    },
  };
  return s;
}

/** JSON of a response body (throws with the text when it is not JSON). */
export function json<T = { ok: boolean; value?: unknown; error?: { code: string; message: string } }>(r: Res): T {
  try {
    return JSON.parse(r.text) as T;
  } catch {
    throw new Error(`not JSON (${r.status}): ${r.text.slice(0, 200)}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
