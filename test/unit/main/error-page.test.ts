// Unit tests (main): the page the window shows when the engine cannot run — every field escaped, the fix readable, no script.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorPage } from '../../../src/main/error-page.js';
import { describeOpenError } from '../../../src/engine/host/open-error.js';
import { NewerDatabaseError } from '../../../src/engine/store/db.js';
import { NativeModuleError } from '../../../src/engine/store/native.js';

test('a newer library: title, cause, fix and path, with the fix command as code', () => {
  const f = describeOpenError(new NewerDatabaseError(9, 5), '/home/ann/.config/Facelens/library.db');
  const html = errorPage(f);
  assert.match(html, /<h1>This library was made by a newer Facelens<\/h1>/);
  assert.match(html, /schema is version 9; this Facelens knows up to version 5/);
  assert.match(html, /<code>\/home\/ann\/.config\/Facelens\/library.db<\/code>/);
  assert.doesNotMatch(html, /<script/i);
});

test('a missing Electron build names the command that makes it', () => {
  const err = new NativeModuleError(
    'better-sqlite3',
    'no build for Electron 39 (ABI 140)',
    'Run `npm run electron:native`.',
  );
  const html = errorPage(describeOpenError(err, '/lib.db'));
  assert.match(html, /cannot load better-sqlite3/);
  assert.match(html, /<code>npm run electron:native<\/code>/);
});

test('whatever a path or message holds is shown as text, never as markup', () => {
  const html = errorPage({
    title: 'The library could not be opened',
    cause: '<img src=x onerror=alert(1)>',
    fix: 'Run `<script>alert(1)</script>`',
    dbPath: '/tmp/"><script>x</script>.db',
  });
  assert.doesNotMatch(html, /<script|<img/i);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /<code>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code>/);
});

test('SQLite codes become reasons without echoing file content', () => {
  const notadb = Object.assign(new Error('file is not a database: SECRET-CONTENT'), { code: 'SQLITE_NOTADB' });
  const f = describeOpenError(notadb, '/lib.db');
  assert.match(f.title, /damaged or is not a Facelens library/);
  assert.doesNotMatch(JSON.stringify(f), /SECRET-CONTENT/);
  const busy = describeOpenError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }), '/lib.db');
  assert.match(busy.fix, /Close the other Facelens/);
});
