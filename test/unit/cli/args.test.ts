// Test (unit, CLI door): what a mistyped argument shows in its error: quoted, bounded, no terminal control characters.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CliError, ids, num, quoted } from '../../../src/cli/args.js';
import { BIN, skipUnlessBuilt } from '../../helpers/built.js';

test('quoted: short values whole, long ones cut to 24 characters with their length, control characters as ?', () => {
  assert.equal(quoted('abc'), "'abc'");
  assert.equal(quoted('x'.repeat(300)), `'${'x'.repeat(24)}' (cut, 300 characters)`);
  assert.equal(quoted('a\x1b[2Jb\nc\u200bd'), "'a?[2Jb?c?d'");
  assert.equal(quoted('😀'.repeat(30)), `'${'😀'.repeat(24)}' (cut, 30 characters)`);
});

test('number and id errors show the value through quoted', () => {
  assert.throws(
    () => num('\x1b]0;owned\x07' + 'y'.repeat(100), 'face', NaN),
    (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.ok(!/[\x00-\x1f]/.test(e.message), e.message);
      assert.ok(e.message.length < 80, e.message);
      return true;
    },
  );
  assert.deepEqual(ids(['12', '3'], 'person id'), [12, 3]);
  assert.throws(
    () => ids(['12', 'ab'], 'person id'),
    /^CliError: person id must be a positive whole number, got 'ab'$/,
  );
  assert.throws(() => ids(['2.5'], 'person id'), /person id must be a positive whole number, got '2.5'/);
});

test(
  'the CLI prints a bounded, clean message for a hostile command name and argument, exit 2',
  { skip: skipUnlessBuilt() },
  () => {
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const bad = `\x1b[31m${'z'.repeat(5000)}`;
    for (const args of [[bad], ['similar', '--face', bad], ['people', bad]]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args[0]!.slice(0, 8)}: ${r.stderr.slice(0, 200)}`);
      const first = r.stderr.split('\n')[0]!;
      assert.ok(!first.includes('\x1b'), first);
      assert.ok(first.length < 120, first);
      assert.match(first, /\(cut, 5005 characters\)/);
    }
  },
);
