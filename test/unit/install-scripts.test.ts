// Test (unit): package.json allowScripts — every installed dependency with an install script has been reviewed, and
// the ones the app cannot run without are allowed ([Note: install scripts] in README "Install").
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const allow = pkg.allowScripts ?? {};
const LIFECYCLE = ['preinstall', 'install', 'postinstall'];

/** name -> its install-time scripts, for every package under node_modules (scoped and nested included). */
function installScripts(
  dir: string,
  out = new Map<string, string[]>(),
  seen = new Set<string>(),
): Map<string, string[]> {
  if (!existsSync(dir)) return out;
  const real = realpathSync(dir);
  if (seen.has(real)) return out; // a linked package (npm link) may lead back to a folder already read
  seen.add(real);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const at = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installScripts(at, out, seen);
      continue;
    }
    let manifest: { name?: string; scripts?: Record<string, string>; gypfile?: boolean };
    try {
      manifest = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const scripts = LIFECYCLE.filter((s) => manifest.scripts?.[s]);
    // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script of its own.
    if (!scripts.length && existsSync(join(at, 'binding.gyp')) && manifest.gypfile !== false) scripts.push('install');
    if (scripts.length && manifest.name) out.set(manifest.name, scripts);
    installScripts(join(at, 'node_modules'), out, seen);
  }
  return out;
}

test('every installed package with an install script is allowed or denied in package.json allowScripts', () => {
  const found = installScripts(join(ROOT, 'node_modules'));
  assert.ok(found.size > 0, 'node_modules holds packages with install scripts (better-sqlite3 at least)');
  const unreviewed = [...found.keys()].filter((name) => !(name in allow)).sort();
  // npm 12 skips the install scripts of any dependency not allowed there: an unreviewed native module would install
  // without its binary and fail only when the app first loads it.
  assert.deepEqual(unreviewed, [], `add these to allowScripts (true or false, after reading their scripts)`);
});

test('the native modules and image libraries are allowed; the CUDA download and a banner are not', () => {
  for (const name of ['better-sqlite3', 'hnswlib-node', 'sharp', 'esbuild', 'electron'])
    assert.equal(allow[name], true, `${name} must build or fetch its binary at install`);
  // onnxruntime-node ships its CPU binaries in the package; its script only downloads the CUDA provider
  // (README "GPU" says how to run it on purpose).
  assert.equal(allow['onnxruntime-node'], false);
  for (const [name, v] of Object.entries(allow)) assert.equal(typeof v, 'boolean', name);
});
