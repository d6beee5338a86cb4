// Integration tests (the product as a user starts it): `npm start`, `npx facelens --help`, `npx facelens import` and `stats`, from the built tree.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { engineProcessEnv } from '../../src/engine/host/client.js';
import { COMMANDS } from '../../src/facelens.js';
import { BIN, ROOT, skipUnlessBuilt } from '../helpers/built.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const built = skipUnlessBuilt();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const hasElectron = existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'));

/** A user's environment: their own home and data folder, no display (so no browser can open). */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'FACELENS_HOME', 'FACELENS_DB', 'npm_config_prefix']) delete env[k];
  // Where Electron's binary is installed, `npm start` opens its window: this test is about the machine without it.
  if (hasElectron) env.FACELENS_WEB = '1';
  return env;
}

describe('the product starts as the README says', { skip: built }, () => {
  test('`npm start` serves the app on 127.0.0.1, says what to open, and stops on Ctrl-C', async () => {
    const home = tempDir();
    const child = spawn(npm, ['start'], {
      cwd: ROOT,
      env: userEnv(home),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 120 s:\n${out}`)), 120_000);
        const look = () => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout!.on('data', look);
        void exited.then((code) => reject(new Error(`npm start exited (${code}) before serving:\n${out}`)));
      });
      for (let i = 0; i < 50 && !/Opening it in|Not opening a browser/.test(out); i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /Not opening a browser: no graphical display/, 'it says why no browser opened');
      const page = await fetch(url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<title>Facelens<\/title>/);
      assert.match(html, /<script type="module"/);
      // The address's token (in its fragment, never sent to a server) opens the API: the app answers as the user's
      // library, in the user's data folder.
      assert.equal(new URL(url).search, '', 'no token in the query');
      const token = new URLSearchParams(new URL(url).hash.slice(1)).get('t');
      assert.ok(token && token.length >= 40, 'a session token in the address fragment');
      const origin = new URL(url).origin;
      const status = await fetch(`${origin}/api/app.status`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      }).then((r) => r.json() as Promise<{ ok: boolean; value: { dbPath: string; door: string } }>);
      assert.ok(status.ok);
      assert.equal(status.value.door, 'web');
      assert.equal(status.value.dbPath, join(home, '.config', 'Facelens', 'library.db'));
      const refused = await fetch(`${origin}/api/app.status`, { method: 'POST', body: '{}' });
      assert.equal(refused.status, 401);

      // Ctrl-C in the terminal: SIGINT to the whole foreground process group.
      process.kill(-child.pid!, 'SIGINT');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 20_000)),
      ]);
      assert.ok(stopped, `npm start did not stop within 20 s of Ctrl-C:\n${out}`);
      assert.match(out, /stopped/);
      await assert.rejects(fetch(url), 'nothing listens any more');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  test('`npx facelens --help` lists every command', () => {
    const r = spawnSync(npx, ['facelens', '--help'], { cwd: ROOT, encoding: 'utf8', env: userEnv(tempDir()) });
    assert.equal(r.status, 0, r.stderr);
    for (const name of Object.keys(COMMANDS)) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'), name);
    // The bin keeps the path earlier versions had: npx never refreshes the link it made to it ([Note: bin path]).
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.facelens, 'bin/facelens.js', 'a renamed bin breaks `npx facelens` for every earlier user');
    // The bin file itself, as a global or linked install runs it.
    const direct = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(direct.stdout, r.stdout);
  });

  test("the bin sizes libuv's thread pool to the machine before anything uses it, and keeps a size the user set", () => {
    // A preload that reports, as the process exits, the pool size the bin asked for ([Note: libuv threads]).
    const dir = tempDir();
    const probe = join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`UV=${process.env.UV_THREADPOOL_SIZE}\\n`));\n",
    );
    const run = (extra: Record<string, string>) => {
      const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--require ${probe}`, ...extra };
      if (!('UV_THREADPOOL_SIZE' in extra)) delete env.UV_THREADPOOL_SIZE;
      const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      return /UV=(\S+)/.exec(r.stderr)?.[1];
    };
    assert.equal(run({}), String(availableParallelism() + 4));
    assert.equal(run({ UV_THREADPOOL_SIZE: '3' }), '3');
    // The window's engine process gets the same (src/main/main.ts forks it with this environment).
    assert.equal(engineProcessEnv({}, 16).UV_THREADPOOL_SIZE, '20');
    assert.equal(engineProcessEnv({ UV_THREADPOOL_SIZE: '7' }, 16).UV_THREADPOOL_SIZE, '7');
    assert.equal(engineProcessEnv({}, 4096).UV_THREADPOOL_SIZE, '1024');
  });

  test(
    '`npx facelens import` then `npx facelens stats` counts the photos, in JSON and in aligned text',
    { skip: skipUnlessData('fixtures', 'bbt') },
    () => {
      const home = tempDir();
      const folder = dataPath('fixtures', 'bbt')!;
      const photos = (readdirSync(folder, { recursive: true }) as string[]).filter((f) =>
        /\.(png|jpe?g)$/i.test(f),
      ).length;
      const env = userEnv(home);
      const imp = spawnSync(npx, ['facelens', 'import', folder], { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(imp.status, 0, imp.stderr);
      assert.match(imp.stdout, new RegExp(`photos added: +${photos}`));
      const stats = spawnSync(npx, ['facelens', 'stats', '--json'], { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(stats.status, 0, stats.stderr);
      const s = JSON.parse(stats.stdout) as { photos: number; faces: number };
      assert.equal(s.photos, photos);
      assert.ok(s.faces >= photos * 0.9, `faces found: ${s.faces}`);
      // The default library lives in the user's data folder.
      assert.ok(existsSync(join(home, '.config', 'Facelens', 'library.db')));
      // Read as text: one figure a line, every value in one column.
      const text = spawnSync(npx, ['facelens', 'stats'], { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(text.status, 0, text.stderr);
      const rows = text.stdout.split('\n').filter((l) => l.startsWith('  '));
      assert.match(text.stdout, new RegExp(`^ +photos +${photos}$`, 'm'));
      const columns = new Set(rows.map((l) => /^ +\S+ +/.exec(l)![0].length));
      assert.equal(columns.size, 1, `values start in one column:\n${rows.join('\n')}`);
    },
  );
});
