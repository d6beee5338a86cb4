// Dev and CI (plain Node): finds a Chromium for the end-to-end specs and the UI bench, and gets one the way this platform allows.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name, env) =>
  (env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, name))
    .find(executable);

/** Playwright's own downloaded Chromium builds (newest first), where `npx playwright install chromium` worked. */
function playwrightCache(env) {
  const base =
    env.PLAYWRIGHT_BROWSERS_PATH ??
    (process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Caches', 'ms-playwright')
      : process.platform === 'win32'
        ? join(env.LOCALAPPDATA ?? homedir(), 'ms-playwright')
        : join(homedir(), '.cache', 'ms-playwright'));
  if (!existsSync(base)) return [];
  const inner =
    {
      linux: ['chrome-linux/chrome', 'chrome-linux64/chrome'],
      darwin: ['chrome-mac/Chromium.app/Contents/MacOS/Chromium'],
      win32: ['chrome-win/chrome.exe'],
    }[process.platform] ?? [];
  return readdirSync(base)
    .filter((d) => /^chromium-\d+$/.test(d))
    .sort()
    .reverse()
    .flatMap((d) => inner.map((i) => join(base, d, i)));
}

/** The first Chromium found: FACELENS_CHROMIUM, Debian's, chromium-browser, Google Chrome, Playwright's cache. */
export function findChromium(env = process.env) {
  if (env.FACELENS_CHROMIUM) return executable(env.FACELENS_CHROMIUM) ? env.FACELENS_CHROMIUM : undefined;
  const fixed = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  const named = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
    .map((n) => onPath(n, env))
    .filter(Boolean);
  return [...fixed.filter(executable), ...named, ...playwrightCache(env).filter(executable)][0];
}

/**
 * A Chromium path, installing one when none is found: Debian's package where apt-get is there and we are root (as
 * CI is), else Playwright's own download where it works. Returns {path} or {error: one line with the command to run}.
 */
export function ensureChromium(env = process.env, log = console.log) {
  const found = findChromium(env);
  if (found) return { path: found };
  if (env.FACELENS_CHROMIUM) return { error: `FACELENS_CHROMIUM=${env.FACELENS_CHROMIUM} is not an executable file` };
  const root = process.getuid?.() === 0;
  if (root && onPath('apt-get', env)) {
    log("no Chromium found: installing Debian's chromium (apt-get install -y chromium) ...");
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    log("no Chromium found: trying Playwright's download (npx playwright install chromium) ...");
    spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'node_modules', '@playwright', 'test', 'cli.js'), 'install', 'chromium'],
      {
        stdio: 'inherit',
      },
    );
  }
  const now = findChromium(env);
  if (now) return { path: now };
  const how =
    process.platform === 'linux'
      ? '`sudo apt-get install chromium` (Debian/Ubuntu), or `npx playwright install chromium`, or set FACELENS_CHROMIUM to a Chromium'
      : '`npx playwright install chromium`, or set FACELENS_CHROMIUM to a Chromium or Chrome';
  return { error: `the end-to-end specs need Chromium and none was found or could be installed: run ${how}` };
}
