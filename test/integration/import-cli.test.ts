// Integration tests (CLI door, real models): `facelens import` with Ctrl-C and resume, `stats --json`, `similar --json`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, skipUnlessBuilt } from '../helpers/built.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test(
  'Ctrl-C stops an import cleanly, the next run resumes, and stats/similar answer in JSON',
  { skip: skipUnlessData('fixtures', 'wild') || skipUnlessBuilt() },
  async () => {
    const db = join(tempDir(), 'library.db');
    const folder = dataPath('fixtures', 'wild')!;
    const child = spawn(process.execPath, [BIN, 'import', folder, '--db', db]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (!sent && /importing: \d+\/62/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.ok(sent, `never saw progress: ${stderr}`);
    assert.equal(code, 130, stderr);
    assert.match(stdout, /Import stopped/);
    const partial = JSON.parse(cli(['stats', '--json', '--db', db]).stdout);
    assert.ok(partial.photos < 62, `photos after the interrupt: ${partial.photos}`);

    const rerun = cli(['import', folder, '--db', db, '--json']);
    assert.equal(rerun.status, 0, rerun.stderr);
    const s = JSON.parse(rerun.stdout);
    assert.equal(s.status, 'complete');
    assert.equal(s.unchanged, partial.photos, 'what was committed before Ctrl-C is not redone');
    assert.equal(s.added + s.linked + s.unchanged, 62 - s.failures.length);

    const stats = JSON.parse(cli(['stats', '--json', '--db', db]).stdout);
    for (const key of ['photos', 'faces', 'failures', 'indexSize', 'backend']) assert.ok(key in stats, key);
    assert.equal(stats.indexSize, stats.faces);
    const sim = cli(['similar', '--face', '1', '-k', '4', '--json', '--db', db]);
    assert.equal(sim.status, 0, sim.stderr);
    const out = JSON.parse(sim.stdout);
    assert.equal(out.neighbours.length, 4);
    assert.ok(out.neighbours[0].similarity >= out.neighbours[3].similarity);
    const missing = cli(['similar', '--face', '999999', '--db', db]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /face 999999 does not exist/);
  },
);
