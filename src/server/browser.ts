// Server (web door): opening the web door in the user's browser, when this machine has one to open — never with a secret on a command line.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type Opener = { cmd: string; args: string[] } | { reason: string };

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** How to open a file in the default browser on this platform, or why it cannot be done here. */
export function browserOpener(
  file: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  has: (name: string) => boolean = (n) => onPath(n, env),
): Opener {
  if (platform === 'darwin') return { cmd: 'open', args: [file] };
  if (platform === 'win32') return { cmd: 'explorer.exe', args: [file] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'no graphical display here (DISPLAY is not set)' };
  if (!has('xdg-open')) return { reason: 'xdg-open is not installed' };
  return { cmd: 'xdg-open', args: [file] };
}

/**
 * [Note: opening without a secret] The door's address carries the session token, and a command line is visible to
 * every local user (`ps`). So the browser is given a file, not the address: a page in a private folder (0700, the
 * file 0600) that sends the browser on to the address. Returns a message for the terminal; the page is removed when
 * `cleanup` runs (on exit).
 */
export function openInBrowser(
  url: string,
  opener: (file: string) => Opener = browserOpener,
): {
  message: string;
  cleanup: () => void;
} {
  const { page, cleanup } = writeForwardPage(url);
  const how = opener(page);
  if ('reason' in how) {
    cleanup();
    return {
      message: `Not opening a browser: ${how.reason}. Open the address above in a browser on this computer.`,
      cleanup,
    };
  }
  try {
    const child = spawn(how.cmd, how.args, { stdio: 'ignore', detached: true });
    child.on('error', () => console.error('Could not start a browser: open the address above in one.'));
    child.unref();
  } catch {
    return { message: 'Could not start a browser: open the address above in one.', cleanup };
  }
  return { message: 'Opening it in your browser...', cleanup };
}

/** The forwarding page of [Note: opening without a secret], in a fresh private folder. */
export function writeForwardPage(url: string): { page: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'facelens-open-'));
  const page = join(dir, 'open.html');
  const target = url.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, encodeURIComponent).replace(/'/g, '%27');
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><title>Facelens</title><meta http-equiv="refresh" content="0;url='${target}'"><p>Opening Facelens…</p>`,
    { mode: 0o600 },
  );
  return { page, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
