// Install script (postinstall, plain Node): rebuilds hnswlib-node for this computer's processor, so the face index uses
// its vector instructions (AVX/AVX2/AVX-512) for distances. See [Note: HNSW built for this processor].
//
//   node scripts/hnsw-native.mjs              tune (postinstall; never fails the install)
//   node scripts/hnsw-native.mjs --portable   put back the build any x86-64 runs (`npm run dist` ships that one)
//   node scripts/hnsw-native.mjs --status     print which build is installed
//
// [Note: HNSW built for this processor] hnswlib compiles its AVX distance kernels only when the compiler targets
// AVX (`__AVX__`); npm's build of hnswlib-node targets plain x86-64 (SSE), whatever the machine. Distances are
// most of an index build and of a search, so on this project's 2-core AVX VM the tuned build made a 50k x 512
// build 1.57x faster and searches 1.5x faster, with the same neighbours (bench/hnsw.ts prints which build ran).
// The library is built from source on the user's machine anyway, so building it for that machine's processor is
// safe; installers are built for other machines, so `npm run dist` puts the portable build back first. The index
// file format does not depend on the build: either build reads indexes the other wrote.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'node_modules', 'hnswlib-node');
const addon = join(pkg, 'build', 'Release', 'addon.node');
const marker = join(pkg, 'build', 'facelens-build.json');
const say = (line) => console.log(`hnsw-native: ${line}`);

/** The compiler flags for a build tuned to this processor, or why there is none here. */
export function tunedFlags(platform = process.platform, arch = process.arch) {
  if (arch !== 'x64') return { why: `hnswlib's vector kernels are x86-64 only (this is ${arch})` };
  if (platform === 'win32') return { why: 'on Windows npm builds with MSVC, which this script does not drive' };
  return { flags: '-O3 -march=native' };
}

/** Which build is installed: 'tuned', 'portable' (npm's own), or undefined when hnswlib-node is not built. */
export function installedBuild() {
  if (!existsSync(addon)) return undefined;
  try {
    return JSON.parse(readFileSync(marker, 'utf8')).build === 'tuned' ? 'tuned' : 'portable';
  } catch {
    return 'portable';
  }
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

/** A build loads and finds what it indexed (each point's own nearest neighbour is itself). */
function works(file) {
  const check = `
    const { HierarchicalNSW } = require(${JSON.stringify(file)});
    const dim = 64, n = 300, idx = new HierarchicalNSW('ip', dim);
    idx.initIndex(n, 16, 100, 1);
    let s = 7; const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const pts = Array.from({ length: n }, () => { const v = Array.from({ length: dim }, r); const m = Math.hypot(...v); return v.map((x) => x / m); });
    pts.forEach((p, i) => idx.addPoint(p, i));
    idx.setEf(50);
    const bad = pts.filter((p, i) => idx.searchKnn(p, 1).neighbors[0] !== i).length;
    process.exit(bad === 0 ? 0 : 3);`;
  return run(process.execPath, ['-e', check], { cwd: root }).ok;
}

/** Builds hnswlib-node with `flags` in a copy inside node_modules; returns the built addon's path or why not. */
function build(flags) {
  const work = join(root, 'node_modules', '.facelens-hnsw-build');
  rmSync(work, { recursive: true, force: true });
  cpSync(pkg, work, { recursive: true, filter: (p) => !p.startsWith(join(pkg, 'build')) });
  // npm hands its own node-gyp and the Node headers' location to install scripts; by hand, the project's node-gyp.
  const gyp = process.env.npm_config_node_gyp;
  const [cmd, pre] = !gyp
    ? [join(root, 'node_modules', '.bin', 'node-gyp'), []]
    : /\.[cm]?js$/.test(gyp)
      ? [process.execPath, [gyp]]
      : [gyp, []];
  const env = { ...process.env, CXXFLAGS: flags, CFLAGS: flags };
  const nodedir = (process.env.npm_config_nodedir ?? run('npm', ['config', 'get', 'nodedir'], { cwd: root }).out)
    .trim()
    .split('\n')[0];
  const args = [
    ...pre,
    'rebuild',
    '--release',
    ...(nodedir && nodedir !== 'undefined' ? [`--nodedir=${nodedir}`] : []),
  ];
  const r = run(cmd, args, { cwd: work, env });
  const out = join(work, 'build', 'Release', 'addon.node');
  if (!r.ok || !existsSync(out)) return { work, why: `the build failed: ${r.out.split('\n').slice(-3).join(' ')}` };
  if (!works(out)) return { work, why: 'the build does not find its own points' };
  return { work, out };
}

function install(kind, flags) {
  const b = build(flags);
  try {
    if (!b.out) return b.why;
    cpSync(b.out, addon);
    writeFileSync(marker, JSON.stringify({ build: kind, flags }) + '\n');
    return undefined;
  } finally {
    rmSync(b.work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const status = installedBuild();
  if (process.argv.includes('--status')) {
    say(status ? `the ${status} build is installed` : 'hnswlib-node is not built');
    process.exit(0);
  }
  if (!status) {
    say('hnswlib-node is not built (npm install builds it): nothing to tune');
    process.exit(0);
  }
  if (process.argv.includes('--portable')) {
    if (status === 'portable') say('the portable build is installed');
    else {
      const why = install('portable', '-O3');
      say(why ? `could not put the portable build back: ${why}` : 'the portable build is installed');
      process.exit(why ? 1 : 0);
    }
    process.exit(0);
  }
  const t = tunedFlags();
  if (!t.flags) say(`keeping the portable build: ${t.why}`);
  else if (status === 'tuned' && works(addon)) say('the build for this processor is already installed');
  else {
    say(`building hnswlib-node for this processor (${t.flags}) ...`);
    const why = install('tuned', t.flags);
    say(why ? `keeping the portable build (${why}); the index works, only slower` : 'done');
  }
  process.exit(0);
}
