// Test (unit, engine/api): the folder browser lists only inside its roots — no '..', no typed '/', no symlink out; roots that are the whole disk are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowseService, defaultRoots, effectiveRoots } from '../../../../src/engine/api/browse.js';
import { ApiError } from '../../../../src/shared/result.js';
import { tempDir } from '../../../helpers/tmp.js';

function tree() {
  const base = realpathSync(tempDir());
  const home = join(base, 'home');
  const drive = join(base, 'media', 'USB');
  const outside = join(base, 'secret');
  for (const d of [join(home, 'Pictures', '2019'), join(home, '.hidden'), join(home, '@eaDir'), drive, outside])
    mkdirSync(d, { recursive: true });
  writeFileSync(join(home, 'Pictures', 'a.jpg'), 'x');
  writeFileSync(join(home, 'Pictures', 'b.HEIC'), 'x');
  writeFileSync(join(home, 'Pictures', 'notes.txt'), 'x');
  writeFileSync(join(outside, 'passwords.jpg'), 'x');
  symlinkSync(outside, join(home, 'escape')); // a link out of the roots
  symlinkSync(drive, join(home, 'usb')); // a link to another root: fine
  symlinkSync(join(base, 'nowhere'), join(home, 'broken'));
  const svc = new BrowseService(() => [
    { path: home, label: 'Home' },
    { path: drive, label: 'USB' },
  ]);
  return { base, home, drive, outside, svc };
}

const list = (svc: BrowseService, path?: string, hidden = false) => svc.list({ path, hidden });
function refused(fn: () => unknown, code: string, what: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, what);
    return true;
  });
}

test('no path lists the roots; a folder lists its sub-folders and counts the photos in it', () => {
  const { home, drive, svc } = tree();
  const top = list(svc);
  assert.equal(top.path, null);
  assert.deepEqual(
    top.folders.map((f) => f.path),
    [home, drive],
  );
  const h = list(svc, home);
  assert.deepEqual(
    h.folders.map((f) => f.name),
    ['Pictures', 'usb'],
    'hidden, NAS and outside folders are not listed; a link to another root is',
  );
  assert.equal(h.parent, null, 'the top of a root has no parent to go to');
  const pics = list(svc, join(home, 'Pictures'));
  assert.deepEqual(
    pics.folders.map((f) => f.name),
    ['2019'],
  );
  assert.equal(pics.images, 2, 'a.jpg and b.HEIC, not notes.txt');
  assert.equal(pics.parent, home);
  assert.deepEqual(
    list(svc, home, true).folders.map((f) => f.name),
    ['.hidden', 'Pictures', 'usb'],
  );
});

test('nothing outside the roots: a typed path, "..", a symlink out, the file system root', () => {
  const { base, home, outside, svc } = tree();
  const out = /outside the folders Facelens may browse/;
  refused(() => list(svc, outside), 'invalid-args', out);
  refused(() => list(svc, join(home, '..')), 'invalid-args', out);
  refused(() => list(svc, join(home, 'Pictures', '..', '..', 'secret')), 'invalid-args', out);
  refused(() => list(svc, join(home, 'escape')), 'invalid-args', out);
  refused(() => list(svc, '/'), 'invalid-args', out);
  refused(() => list(svc, base), 'invalid-args', out);
  refused(() => list(svc, 'Pictures'), 'invalid-args', /absolute/);
  refused(() => list(svc, join(home, 'missing')), 'not-found', /not found/);
  refused(() => list(svc, join(home, 'broken')), 'not-found', /not found/);
  refused(() => list(svc, join(home, 'Pictures', 'a.jpg')), 'invalid-args', /not a folder/);
  // Through the link to the other root, the real path is shown.
  assert.equal(list(svc, join(home, 'usb')).path, realpathSync(join(home, 'usb')));
});

test('roots: the whole disk is never one, a root inside another is dropped, missing ones are skipped', () => {
  const { home, svc } = tree();
  void svc;
  const roots = effectiveRoots([
    { path: home, label: 'Home' },
    { path: '/', label: 'Macintosh HD' },
    { path: join(home, 'Pictures'), label: 'inside' },
    { path: join(home, 'gone'), label: 'gone' },
    { path: home, label: 'again' },
  ]);
  assert.deepEqual(
    roots.map((r) => r.label),
    ['Home'],
  );
  const defaults = defaultRoots();
  assert.equal(defaults[0]!.label, 'Home');
  assert.ok(defaults.every((r) => r.path.startsWith('/')));
});
