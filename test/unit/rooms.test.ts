// Test (unit): the rooms rule of scripts/rooms.mjs — src/ keeps it, and the check catches what breaks it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { check, importsOf, refusal, roomOf } from '../../scripts/rooms.mjs';
import { tempDir } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('every import in src/ and the renderer runs downward, doors see only the facade, SQL stays in the store', () => {
  const problems = check(ROOT);
  assert.deepEqual(
    problems.map((p) => `${p.file}:${p.line}: ${p.what}`),
    [],
  );
});

test('files find their rooms', () => {
  assert.equal(roomOf('src/shared/contract.ts'), 'shared');
  assert.equal(roomOf('src/engine/vectors.ts'), 'base');
  assert.equal(roomOf('src/engine/jobs/lock.ts'), 'base');
  assert.equal(roomOf('src/engine/store/people.ts'), 'store');
  assert.equal(roomOf('src/engine/api/engine.ts'), 'api');
  assert.equal(roomOf('src/cli/commands/import.ts'), 'cli');
  assert.equal(roomOf('src/facelens.ts'), 'launcher');
  assert.equal(roomOf('renderer/src/App.svelte'), 'renderer');
  assert.equal(roomOf('src/engine/nowhere/x.ts'), undefined);
});

test('upward, sideways and door-to-internals imports are refused; downward ones pass', () => {
  assert.equal(refusal('cluster', 'store'), undefined);
  assert.equal(refusal('api', 'cluster'), undefined);
  assert.match(refusal('cluster', 'people')!, /upward/);
  assert.match(refusal('store', 'api')!, /upward/);
  assert.match(refusal('cli', 'server')!, /one level/);
  assert.match(refusal('doctor', 'backup')!, /one level/);
  assert.match(refusal('cli', 'cluster')!, /only through api/);
  assert.equal(refusal('cli', 'api'), undefined);
  assert.equal(refusal('renderer', 'shared'), undefined);
  assert.match(refusal('renderer', 'api')!, /renderer sees only/);
});

test('import forms are all read: static, re-export, side effect, dynamic, worker URLs', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    "export { c } from './c.js';",
    "import './d.js';",
    "const e = await import('./e.js');",
    "new Worker(new URL('./f-worker.js', import.meta.url));",
    "import sharp from 'sharp';",
  ].join('\n');
  assert.deepEqual(importsOf(text), ['./a.js', '../b.js', './c.js', './d.js', './e.js', './f-worker.js']);
});

test('a planted upward import and a planted SQL statement are both reported', () => {
  const root = tempDir();
  mkdirSync(join(root, 'src', 'engine', 'store'), { recursive: true });
  mkdirSync(join(root, 'src', 'engine', 'api'), { recursive: true });
  mkdirSync(join(root, 'src', 'engine', 'cluster'), { recursive: true });
  mkdirSync(join(root, 'renderer', 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'engine', 'api', 'x.ts'), 'export const x = 1;\n');
  writeFileSync(
    join(root, 'src', 'engine', 'store', 'y.ts'),
    "import { x } from '../api/x.js';\nexport const y = x;\n",
  );
  writeFileSync(join(root, 'src', 'engine', 'cluster', 'z.ts'), "export const z = (db) => db.prepare('SELECT 1');\n");
  const problems = check(root).map((p) => `${p.file}:${p.line}: ${p.what}`);
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0]!, /^src\/engine\/cluster\/z\.ts:1: SQL outside/);
  assert.match(problems[1]!, /^src\/engine\/store\/y\.ts:1: store imports api .*upward/);
});
