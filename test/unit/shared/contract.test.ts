// Test (unit, shared): the contract's schemas — names, strict args, defaults, events, and errors that survive the boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contract, events, EVENT_NAMES, isMethod, METHODS } from '../../../src/shared/contract.js';
import { ApiError, fail, ok, toWireError, unwrap } from '../../../src/shared/result.js';
import { Loss } from '../../../src/shared/schemas.js';

test('every method is namespace.verb and has args and result schemas', () => {
  assert.ok(METHODS.length >= 30);
  for (const m of METHODS) {
    assert.match(m, /^[a-z]+\.[a-zA-Z]+$/, m);
    assert.equal(typeof contract[m].args.safeParse, 'function', m);
    assert.equal(typeof contract[m].result.safeParse, 'function', m);
  }
});

test('isMethod refuses names that are not own contract keys', () => {
  assert.ok(isMethod('people.merge'));
  for (const bad of ['constructor', '__proto__', 'toString', 'people', 'people.merge ', '', 42, null, undefined]) {
    assert.equal(isMethod(bad), false, String(bad));
  }
});

test('args are strict: unknown keys and wrong types are refused', () => {
  assert.equal(contract['people.rename'].args.safeParse({ personId: 3, name: 'Ann', admin: true }).success, false);
  assert.equal(contract['people.rename'].args.safeParse({ personId: '3', name: 'Ann' }).success, false);
  assert.equal(contract['people.rename'].args.safeParse({ personId: 0, name: 'Ann' }).success, false);
  assert.equal(
    contract['people.rename'].args.safeParse({ personId: 3, name: '   ' }).success,
    false,
    'blank name after trim',
  );
  assert.equal(
    contract['people.merge'].args.safeParse({ intoId: 1, fromIds: [] }).success,
    false,
    'merge needs someone to merge',
  );
  assert.equal(
    contract['library.addFolders'].args.safeParse({ paths: ['x'.repeat(5000)] }).success,
    false,
    'path length bounded',
  );
  assert.equal(contract['app.status'].args.safeParse({ x: 1 }).success, false);
});

test('defaults are filled for the engine side', () => {
  const parsed = contract['people.list'].args.parse({});
  assert.deepEqual(parsed, { offset: 0, limit: 200, includeHidden: false, named: 'all' });
  assert.equal(contract['people.list'].args.safeParse({ limit: 1e6 }).success, false, 'page size bounded');
  const ev = contract['verify.evaluate'].args.parse({
    source: { kind: 'pairs', pairsFile: '/a/pairs.txt', root: '/a' },
  });
  assert.equal(ev.source.kind === 'pairs' && ev.source.aligned, false);
  assert.equal(ev.maxPairs, 6000);
});

test('loss names: a base plus optional terms, nothing else', () => {
  for (const good of ['arcface', 'ns+intra+inter', 'arcface+triplet', 'cm2', 'softmax'])
    assert.ok(Loss.safeParse(good).success, good);
  for (const bad of ['ArcFace ', 'arcface+', 'rm -rf /', 'intra', 'arcface+foo', ''])
    assert.equal(Loss.safeParse(bad).success, false, bad);
});

test('events: progress is a union keyed on kind with a status', () => {
  assert.deepEqual([...EVENT_NAMES].sort(), ['job.progress', 'library.changed', 'people.changed']);
  const p = {
    jobId: 'j',
    kind: 'import',
    status: 'importing',
    stage: 'detect',
    done: 3,
    total: 10,
    failed: 0,
    faces: 5,
    rate: 2,
    etaSeconds: 3.5,
    message: null,
  };
  assert.ok(events['job.progress'].safeParse(p).success);
  assert.equal(events['job.progress'].safeParse({ ...p, status: 'exploded' }).success, false);
  assert.equal(events['job.progress'].safeParse({ ...p, done: -1 }).success, false);
});

test('errors cross the boundary with their code and come back as ApiError', () => {
  assert.deepEqual(ok(3), { ok: true, value: 3 });
  assert.equal(unwrap(ok('v')), 'v');
  assert.throws(
    () => unwrap(fail('not-found', 'person 9 does not exist')),
    (e: unknown) => e instanceof ApiError && e.code === 'not-found' && /person 9/.test(e.message),
  );
  assert.deepEqual(toWireError(new ApiError('conflict', 'c')), { code: 'conflict', message: 'c' });
  assert.deepEqual(toWireError(new TypeError('boom')), { code: 'engine', message: 'boom' });
  assert.deepEqual(toWireError('x'), { code: 'engine', message: 'x' });
});
