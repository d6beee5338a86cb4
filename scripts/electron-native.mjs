// Install script (postinstall and `npm run electron:native`, plain Node): builds better-sqlite3 for Electron's ABI into
// native/better-sqlite3/<abi>/, beside Node's own build, so the CLI, the tests and the desktop window all work from one
// install. See [Note: one install, two runtimes] in src/engine/store/native.ts.
//
// Where Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1) there is nothing to build for: it says so
// and exits 0. As postinstall it never fails the install (the CLI and the web door do not need it); run by hand
// (`npm run electron:native`) it exits 1 when the build fails, saying why.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const say = (line) => console.log(`electron-native: ${line}`);

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

/** Runs a command; returns {ok, out}. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

function done(ok, why) {
  if (!ok) {
    say(`${why}`);
    say('the desktop window will show how to fix this; `npx facelens` and the web door work without it.');
  }
  process.exit(ok || !strict ? 0 : 1);
}

const bin = electronBinary();
if (!bin) {
  say(
    "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?): nothing to build; the CLI and the web door use Node's build.",
  );
  process.exit(0);
}
const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
// Electron itself says which ABI, platform and arch its engine process runs with.
const probe = run(
  bin,
  ['-e', 'console.log(JSON.stringify([process.versions.modules, process.platform, process.arch]))'],
  {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  },
);
if (!probe.ok) done(false, `cannot run Electron ${version} to read its ABI: ${probe.out.split('\n')[0]}`);
const [abi, platform, arch] = JSON.parse(probe.out.split('\n').pop());
const folder = join(root, 'native', 'better-sqlite3', `electron-abi${abi}-${platform}-${arch}`);
const target = join(folder, 'better_sqlite3.node');
const loads = (file) =>
  run(bin, ['-e', `require(${JSON.stringify(file)})`], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).ok;

if (existsSync(target) && loads(target)) {
  say(`better-sqlite3 for Electron ${version} (ABI ${abi}) is already built`);
  process.exit(0);
}

/** Builds in a copy, so node_modules/better-sqlite3 keeps Node's build; returns why it failed, or undefined. */
function build() {
  const src = join(root, 'node_modules', 'better-sqlite3');
  const work = mkdtempSync(join(tmpdir(), 'facelens-electron-sqlite-'));
  try {
    cpSync(src, work, { recursive: true, filter: (p) => !p.startsWith(join(src, 'build')) });
    const tools = join(root, 'node_modules', '.bin');
    say(`building better-sqlite3 for Electron ${version} (ABI ${abi}, ${platform}-${arch}) ...`);
    // A prebuilt binary for Electron when the project publishes one, else a compile against Electron's headers.
    const prebuilt = run(
      join(tools, 'prebuild-install'),
      ['--runtime', 'electron', '--target', version, '--arch', arch],
      {
        cwd: work,
      },
    );
    const compiled = prebuilt.ok
      ? prebuilt
      : run(
          join(tools, 'node-gyp'),
          [
            'rebuild',
            '--release',
            '--runtime=electron',
            `--target=${version}`,
            `--arch=${arch}`,
            '--dist-url=https://electronjs.org/headers',
          ],
          { cwd: work },
        );
    const out = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(out))
      return `the build failed (no network for Electron's headers?): ${compiled.out.split('\n').slice(-3).join(' ')}`;
    if (!loads(out)) return 'the build does not load in Electron';
    mkdirSync(folder, { recursive: true });
    cpSync(out, target);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const failed = build();
if (!failed) say(`done: ${target}`);
done(!failed, failed);
