// Test (unit): scripts/hnsw-native.mjs — which machines get hnswlib built for their processor, and which build is in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installedBuild, tunedFlags } from '../../scripts/hnsw-native.mjs';

test('x86-64 Linux and macOS get a build for their processor; other machines keep the portable one, saying why', () => {
  assert.equal(tunedFlags('linux', 'x64').flags, '-O3 -march=native');
  assert.equal(tunedFlags('darwin', 'x64').flags, '-O3 -march=native');
  for (const [platform, arch] of [
    ['linux', 'arm64'],
    ['darwin', 'arm64'],
    ['win32', 'x64'],
  ] as const) {
    const t = tunedFlags(platform, arch);
    assert.equal(t.flags, undefined, `${platform}-${arch}`);
    assert.match(t.why ?? '', /x86-64 only|Windows/);
  }
});

test('the installed hnswlib-node build is known (the index loads it either way)', () => {
  const build = installedBuild();
  assert.ok(build === 'tuned' || build === 'portable', `installed build: ${build}`);
  // postinstall tunes it on x86-64 Linux (CI); elsewhere the portable build stays.
  if (process.platform === 'linux' && process.arch === 'x64' && process.env.CI) assert.equal(build, 'tuned');
});
