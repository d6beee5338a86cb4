// Unit tests (engine/library): the folder walk: loops, broken links, odd names, FIFOs, hidden folders, changes mid-scan.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  FolderRefusedError,
  libraryDataFolders,
  nameToText,
  refuseLibraryData,
  walk,
  type WalkItem,
} from '../../../../src/engine/library/walk.js';
import { tempDir } from '../../../helpers/tmp.js';

async function all(root: string, hooks = {}): Promise<WalkItem[]> {
  const out: WalkItem[] = [];
  for await (const it of walk(root, {}, hooks)) out.push(it);
  return out;
}
const files = (items: WalkItem[]) => items.filter((i) => i.kind === 'file').map((i) => i.path);
const failures = (items: WalkItem[]) => items.flatMap((i) => (i.kind === 'failure' ? [[i.path, i.code] as const] : []));

test('finds image files by extension, sorted, skipping hidden and system folders', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'b/deep'), { recursive: true });
  mkdirSync(join(root, '.hidden'));
  mkdirSync(join(root, '@eaDir'));
  for (const f of ['a.JPG', 'b/deep/c.webp', 'b/x.txt', '.hidden/h.jpg', '@eaDir/t.jpg', '._a.jpg', 'z.png'])
    writeFileSync(join(root, f), 'x');
  const items = await all(root);
  assert.deepEqual(files(items), [join(root, 'a.JPG'), join(root, 'b/deep/c.webp'), join(root, 'z.png')]);
  assert.deepEqual(failures(items), []);
  const first = items[0] as Extract<WalkItem, { kind: 'file' }>;
  assert.equal(first.size, 1);
  assert.ok(Number.isInteger(first.mtimeMs));
});

test('a camera RAW file is passed over beside a photo of its shot and recorded alone, never opened', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'sub'));
  for (const f of ['IMG_1.CR2', 'img_1.jpg', 'IMG_2.NEF', 'sub/IMG_2.HEIC', 'pro.dng', 'pro.HEIC', 'IMG_3.arw'])
    writeFileSync(join(root, f), 'x');
  writeFileSync(join(root, 'locked.raf'), 'x');
  chmodSync(join(root, 'locked.raf'), 0); // listed by name, never read
  mkdirSync(join(root, 'folder.nef')); // a folder is walked into whatever its name
  writeFileSync(join(root, 'folder.nef', 'in.png'), 'x');
  try {
    const items = await all(root);
    assert.deepEqual(files(items), [
      join(root, 'folder.nef/in.png'),
      join(root, 'img_1.jpg'),
      join(root, 'pro.HEIC'),
      join(root, 'sub/IMG_2.HEIC'),
    ]);
    // IMG_2.NEF's HEIC is in another folder: not the same shot as far as the walk can tell.
    assert.deepEqual(failures(items), [
      [join(root, 'IMG_2.NEF'), 'unsupported'],
      [join(root, 'IMG_3.arw'), 'unsupported'],
      [join(root, 'locked.raf'), 'unsupported'],
    ]);
    const why = items.find((i) => i.kind === 'failure' && i.path.endsWith('IMG_3.arw'));
    assert.match(why?.kind === 'failure' ? why.reason : '', /camera RAW file \(ARW\).*JPEG or HEIC/);
  } finally {
    chmodSync(join(root, 'locked.raf'), 0o644);
  }
});

test('symlink loops cannot hang it and are recorded; a folder reached twice is walked once', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'a/b'), { recursive: true });
  writeFileSync(join(root, 'a/b/p.jpg'), 'x');
  symlinkSync('..', join(root, 'a/b/up')); // b/up -> a: an ancestor
  symlinkSync(join(root, 'a'), join(root, 'alias')); // a second way into a
  symlinkSync('self.jpg', join(root, 'self.jpg')); // a link to itself
  const items = await all(root);
  assert.deepEqual(files(items), [join(root, 'a/b/p.jpg')]);
  const f = failures(items);
  assert.ok(
    f.some(([p, c]) => p === join(root, 'a/b/up') && c === 'symlink-loop'),
    JSON.stringify(f),
  );
  assert.ok(
    f.some(([p, c]) => p === join(root, 'self.jpg') && c === 'symlink-loop'),
    JSON.stringify(f),
  );
});

test('broken links named like photos are recorded; linked photos are followed', async () => {
  const root = tempDir();
  writeFileSync(join(root, 'real.jpg'), 'x');
  symlinkSync(join(root, 'nowhere.jpg'), join(root, 'broken.jpg'));
  symlinkSync(join(root, 'nowhere'), join(root, 'broken-notes.txt'));
  symlinkSync(join(root, 'real.jpg'), join(root, 'link.jpg'));
  const items = await all(root);
  assert.deepEqual(files(items), [join(root, 'link.jpg'), join(root, 'real.jpg')]);
  assert.deepEqual(failures(items), [[join(root, 'broken.jpg'), 'broken-link']]);
});

test('a FIFO named like a photo is recorded, never opened', async () => {
  const root = tempDir();
  execFileSync('mkfifo', [join(root, 'pipe.jpg')]);
  const items = await all(root);
  assert.deepEqual(failures(items), [[join(root, 'pipe.jpg'), 'not-a-file']]);
});

test('unicode, newline and invalid UTF-8 names are found with a path that opens them', async () => {
  const root = tempDir();
  writeFileSync(join(root, 'café 😀.jpg'), 'x');
  writeFileSync(join(root, 'two\nlines.jpg'), 'x');
  const raw = Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.jpg')]);
  writeFileSync(raw, 'x');
  const items = (await all(root)).filter((i): i is Extract<WalkItem, { kind: 'file' }> => i.kind === 'file');
  const names = items.map((i) => i.path.slice(root.length + 1)).sort();
  assert.deepEqual(names, ['bad-\\xff\\xfe.jpg', 'café 😀.jpg', 'two\nlines.jpg']);
  const bad = items.find((i) => i.path.includes('bad-'))!;
  assert.ok(Buffer.isBuffer(bad.ioPath) && Buffer.compare(bad.ioPath, raw) === 0, 'the raw bytes are kept for opening');
});

test('nameToText keeps valid characters and escapes only the invalid bytes', () => {
  assert.deepEqual(nameToText(Buffer.from('ok é.jpg')), { text: 'ok é.jpg', valid: true });
  assert.deepEqual(nameToText(Buffer.from([0x61, 0xc3, 0xa9, 0x80, 0x62])), { text: 'aé\\x80b', valid: false });
  assert.deepEqual(nameToText(Buffer.from([0xe2, 0x82])), { text: '\\xe2\\x82', valid: false }, 'a cut-off sequence');
});

test('a folder removed mid-scan is survived and recorded', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'gone'));
  mkdirSync(join(root, 'kept'));
  writeFileSync(join(root, 'gone/a.jpg'), 'x');
  writeFileSync(join(root, 'kept/b.jpg'), 'x');
  const items = await all(root, {
    beforeReadDir(path: string) {
      if (path.endsWith('/gone')) rmSync(path, { recursive: true });
    },
  });
  assert.deepEqual(files(items), [join(root, 'kept/b.jpg')]);
  assert.deepEqual(failures(items), [[join(root, 'gone'), 'vanished']]);
});

test('a missing root is one failure, marked unlisted', async () => {
  const items = await all(join(tempDir(), 'absent'));
  assert.equal(items.length, 1);
  assert.ok(items[0]!.kind === 'failure' && items[0]!.code === 'vanished' && items[0]!.unlisted);
});

test(
  'an unreadable folder is recorded as unlisted (skipped as root: root reads anything)',
  { skip: process.getuid?.() === 0 && 'running as root' },
  async () => {
    const root = tempDir();
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked/a.jpg'), 'x');
    chmodSync(join(root, 'locked'), 0);
    try {
      const items = await all(root);
      const f = items.find((i) => i.kind === 'failure');
      assert.ok(f && f.kind === 'failure' && f.code === 'unreadable' && f.unlisted);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  },
);

test('links that leave the folder are recorded as outside and never followed; links that stay inside are', async () => {
  const base = tempDir();
  const root = join(base, 'photos');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'elsewhere'));
  writeFileSync(join(root, 'in.jpg'), 'x');
  writeFileSync(join(base, 'elsewhere', 'private.jpg'), 'x');
  symlinkSync(join(base, 'elsewhere', 'private.jpg'), join(root, 'out.jpg'));
  symlinkSync(join(base, 'elsewhere'), join(root, 'out-dir'));
  symlinkSync('../in.jpg', join(root, 'sub', 'in-link.jpg'));
  symlinkSync(join(base, 'elsewhere', 'private.jpg'), join(root, 'notes.txt')); // not a photo: passed over silently
  const items = await all(root);
  assert.deepEqual(files(items), [join(root, 'in.jpg'), join(root, 'sub/in-link.jpg')]);
  assert.deepEqual(failures(items), [
    [join(root, 'out-dir'), 'outside'],
    [join(root, 'out.jpg'), 'outside'],
  ]);
  const reasons = items.flatMap((i) => (i.kind === 'failure' ? [i.reason] : []));
  assert.match(reasons[0]!, /a symbolic link to a folder outside the folder you added; not followed/);
  assert.match(reasons[1]!, /a symbolic link to a file outside/);
});

test("the library's thumbnails are passed over inside an added folder; its data folder is refused as an added folder", async () => {
  const root = tempDir();
  mkdirSync(join(root, 'lib', 'thumbs', '01'), { recursive: true });
  mkdirSync(join(root, 'lib', 'beside'));
  writeFileSync(join(root, 'lib', 'thumbs', '01', '1.jpg'), 'x');
  writeFileSync(join(root, 'lib', 'beside', 'mine.jpg'), 'x');
  writeFileSync(join(root, 'photo.jpg'), 'x');
  const dbPath = join(root, 'lib', 'library.db');
  const exclude = libraryDataFolders(dbPath).skip;
  const out: WalkItem[] = [];
  for await (const it of walk(root, { exclude })) out.push(it);
  // A folder the user keeps beside the database is theirs; the thumbnails are the library's.
  assert.deepEqual(files(out), [join(root, 'lib', 'beside', 'mine.jpg'), join(root, 'photo.jpg')]);
  assert.deepEqual(failures(out), [[join(root, 'lib', 'thumbs'), 'library-data']]);
  // A link into them is no way in either.
  symlinkSync(join(root, 'lib', 'thumbs'), join(root, 'thumbs-link'));
  const linked: WalkItem[] = [];
  for await (const it of walk(root, { exclude })) linked.push(it);
  assert.deepEqual(failures(linked), [
    [join(root, 'lib', 'thumbs'), 'library-data'],
    [join(root, 'thumbs-link'), 'library-data'],
  ]);
  for (const added of [join(root, 'lib'), join(root, 'lib', 'thumbs'), join(root, 'lib', 'thumbs', '01')])
    assert.throws(
      () => refuseLibraryData(added, dbPath),
      (e: Error) => e instanceof FolderRefusedError && /Facelens's own data folder/.test(e.message),
    );
  for (const added of [root, join(root, 'lib', 'beside')]) assert.doesNotThrow(() => refuseLibraryData(added, dbPath));
});
