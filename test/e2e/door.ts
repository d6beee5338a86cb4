// Test helper (e2e): starts the built `facelens serve` (bin/facelens.js, as a user runs it) on a fresh library (its own profile folder) and waits for its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DATA = process.env.FACELENS_DATA ?? resolve(ROOT, '..', 'shared', 'data');

export interface Door {
  /** The address serve printed: the token in its fragment (`/#t=TOKEN`). */
  url: string;
  /** The address of a page with the token (a fresh tab): `/#t=TOKEN&/people`. */
  at(route: string): string;
  /** The address of a page without the token (a tab that already opened `url`): `/#/people`. */
  route(route: string): string;
  home: string;
  log(): string;
  stop(): Promise<void>;
}

/** Why the web-door specs cannot run here, or undefined when they can. */
export function whyNotRunnable(): string | undefined {
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html')) || !existsSync(join(ROOT, 'dist', 'src', 'entry.js')))
    return 'the app is not built: run `npm run build` first (npm test does)';
  if (!existsSync(join(DATA, 'fixtures')))
    return `needs ../shared/data/fixtures (real photos; absent in this checkout)`;
  return undefined;
}

/** `env` adds to the door's environment (a spec may give it its own HOME, the folder browser's first root). */
export async function startDoor(env: Record<string, string> = {}): Promise<Door> {
  const home = mkdtempSync(join(tmpdir(), 'facelens-e2e-'));
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'facelens.js'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, FACELENS_HOME: home, FACELENS_CHECK_RESULTS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`web door did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /Facelens web door: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => rej(new Error(`web door exited (${code}):\n${out}`)));
  });
  const origin = new URL(url).origin;
  return {
    url,
    at: (route) => `${url}&/${route.replace(/^\/+/, '')}`,
    route: (route) => `${origin}/#/${route.replace(/^\/+/, '')}`,
    home,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
