// Test (integration): `facelens verify` end to end through the CLI on real crops and photos (cli/commands/verify.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT, skipUnlessBuilt } from '../helpers/built.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const built = skipUnlessBuilt();
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, 'verify', ...args], { cwd: ROOT, encoding: 'utf8' });

const KEYS = ['accuracy', 'std', 'auc', 'eer', 'tarAtFar1e2', 'tarAtFar1e3', 'threshold', 'pairs', 'failures'];

test(
  'verify --aligned --json on a slice of celebs24',
  { skip: skipUnlessData('celebs24', 'pairs.csv') || built },
  () => {
    const dir = dataPath('celebs24')!;
    const [head, ...rows] = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n');
    const same = rows.filter((r) => r.trim().endsWith(',1')).slice(0, 40);
    const diff = rows.filter((r) => r.trim().endsWith(',0')).slice(0, 40);
    const csv = join(tempDir(), 'slice.csv');
    writeFileSync(csv, [head, ...same, ...diff].join('\n') + '\n');
    const r = cli(['--pairs', csv, '--root', dir, '--aligned', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as Record<string, number>;
    assert.deepEqual(Object.keys(out).sort(), [...KEYS].sort());
    assert.equal(out.pairs, 80);
    assert.equal(out.failures, 0);
    assert.ok(out.accuracy! > 0.85, `accuracy ${out.accuracy}`);
    assert.ok(out.auc! > 0.9 && out.auc! <= 1);
    assert.ok(out.eer! >= 0 && out.eer! < 0.2);
    assert.match(r.stderr, /verify: 1\d\d\/1\d\d images|verify: \d+\/\d+ images/, 'progress goes to stderr');
  },
);

test(
  'verify on photos: a missing image is a reported failure scored as a non-match',
  { skip: skipUnlessData('fixtures', 'wild') || built },
  () => {
    const dir = dataPath('fixtures', 'wild')!;
    const rows = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n').slice(1);
    const pick = [
      ...rows.filter((r) => r.endsWith(',1')).slice(0, 10),
      ...rows.filter((r) => r.endsWith(',0')).slice(0, 9),
    ];
    pick.push('person01/does-not-exist.jpg,person01/img1.jpg,1');
    const csv = join(tempDir(), 'wild.csv');
    writeFileSync(csv, ['file_x,file_y,same', ...pick].join('\n'));
    const r = cli(['--pairs', csv, '--root', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as Record<string, number>;
    assert.equal(out.pairs, 20);
    assert.equal(out.failures, 1);
    assert.match(r.stderr, /does-not-exist\.jpg: unreadable/);
    assert.ok(out.accuracy! >= 0.9, `accuracy ${out.accuracy}`);
  },
);

test('verify without --pairs is a usage error (exit 2)', { skip: built }, () => {
  const r = cli(['--root', '.']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--pairs and --root are required/);
});
