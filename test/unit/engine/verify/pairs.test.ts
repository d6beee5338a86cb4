// Test (unit): LFW pairs.txt and CSV pair parsing (engine/verify/pairs.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPairs, PairsError, parseCsvPairs, parseLfwPairs, readPairs } from '../../../../src/engine/verify/pairs.js';
import { tempDir } from '../../../helpers/tmp.js';

const LFW =
  '2\t1\nAbel_Pacheco\t1\t4\nAkhmed_Zakayev\t1\tAbel_Pacheco\t12\nJohn Doe 3\t5\n'.replace(
    'John Doe 3\t5',
    'John_Doe\t3\t5',
  ) + 'A_B\t1\tC_D\t2\n';

test('LFW: header folds, same and different lines, %04d file names', () => {
  const set = parseLfwPairs(LFW);
  assert.equal(set.folds, 2);
  assert.equal(set.pairs.length, 4);
  assert.deepEqual(set.pairs[0], {
    a: 'Abel_Pacheco/Abel_Pacheco_0001.jpg',
    b: 'Abel_Pacheco/Abel_Pacheco_0004.jpg',
    same: true,
    fold: 0,
  });
  assert.deepEqual(set.pairs[1], {
    a: 'Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg',
    b: 'Abel_Pacheco/Abel_Pacheco_0012.jpg',
    same: false,
    fold: 0,
  });
  assert.equal(set.pairs[2]!.fold, 1);
  assert.equal(set.pairs[3]!.same, false);
});

test('LFW: a wrong header or line count is a clear error', () => {
  assert.throws(() => parseLfwPairs('hello\n'), PairsError);
  assert.throws(() => parseLfwPairs('3\t1\nA\t1\t2\n'), /promises 3 folds x 2 pairs = 6 lines/);
  assert.throws(() => parseLfwPairs('1\t1\nA\t1\nB\t1\tC\t2\n'), /line 2/);
});

test('CSV: folds are dealt per class so each fold keeps the balance', () => {
  const rows = ['file_x,file_y,same'];
  for (let i = 0; i < 20; i++) rows.push(`p${i}/a.jpg,p${i}/b.jpg,1`);
  for (let i = 0; i < 20; i++) rows.push(`p${i}/a.jpg,q${i}/b.jpg,0`);
  const set = parseCsvPairs(rows.join('\n'));
  assert.equal(set.folds, 10);
  assert.equal(set.pairs.length, 40);
  for (let f = 0; f < 10; f++) {
    const inFold = set.pairs.filter((p) => p.fold === f);
    assert.equal(inFold.filter((p) => p.same).length, 2);
    assert.equal(inFold.filter((p) => !p.same).length, 2);
  }
  assert.throws(() => parseCsvPairs('a,b,c\n1,2,3'), /file_x/);
  assert.throws(() => parseCsvPairs('file_x,file_y,same\na,b,maybe'), /line 2/);
});

test('loadPairs picks the format; a missing file is a PairsError', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pairs.txt'), LFW);
  writeFileSync(
    join(dir, 'p.csv'),
    'file_x,file_y,same\n' + Array.from({ length: 10 }, (_, i) => `a${i}.jpg,b${i}.jpg,${i % 2}`).join('\n'),
  );
  assert.equal(loadPairs(join(dir, 'pairs.txt')).format, 'lfw');
  assert.equal(loadPairs(join(dir, 'p.csv')).format, 'csv');
  assert.throws(() => loadPairs(join(dir, 'nope.txt')), PairsError);
});

test('errors say which line and what is wrong, never quote the file (a pairs file may be any file)', () => {
  const secret = 'root:$6$hash-SECRET:19000:0:99999:7:::';
  const cases: [string, string, RegExp][] = [
    ['first line', `${secret}\n`, /first line is not a header/],
    ['LFW line', `1\t1\n${secret}\nA\t1\tB\t2\n`, /^line 2 is not a pair/],
    ['LFW number', `1\t1\nA\tSECRET\t2\nA\t1\tB\t2\n`, /^line 2: an image number is not a whole number$/],
    ['CSV header', `file_x,${secret},SECRET\n`, /first line is not a CSV header/],
    ['CSV same', `file_x,file_y,same\na,b,SECRET\n`, /^line 2: 'same' should be 1\/0 or true\/false$/],
  ];
  for (const [name, text, want] of cases) {
    const err = (() => {
      try {
        return text.startsWith('file_x') ? parseCsvPairs(text) : parseLfwPairs(text);
      } catch (e) {
        return e as Error;
      }
    })() as Error;
    assert.ok(err instanceof PairsError, name);
    assert.match(err.message, want, name);
    assert.doesNotMatch(err.message, /SECRET|root/, `${name}: ${err.message}`);
  }
});

test('loadPairs reads only regular files, safely: a FIFO, a folder, /dev/zero and /proc answer at once', () => {
  const dir = tempDir();
  assert.throws(() => loadPairs(dir), /the pairs file is not a regular file \(a folder\)/);
  if (process.platform === 'win32') return;
  execFileSync('mkfifo', [join(dir, 'p.fifo')]);
  assert.throws(() => loadPairs(join(dir, 'p.fifo')), /not a regular file \(a FIFO\)/);
  if (existsSync('/dev/zero')) assert.throws(() => loadPairs('/dev/zero'), /not a regular file/);
  if (existsSync('/proc/self/environ')) assert.throws(() => loadPairs('/proc/self/environ'), /the pairs file is empty/);
});

test('readPairs is loadPairs off the thread with a timeout', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pairs.txt'), LFW);
  assert.deepEqual(await readPairs(join(dir, 'pairs.txt')), loadPairs(join(dir, 'pairs.txt')));
  await assert.rejects(
    readPairs(join(dir, 'missing.txt')),
    (e: Error) => e instanceof PairsError && /not found/.test(e.message),
  );
});
