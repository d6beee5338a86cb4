// Unit tests (engine/library): reading user-named text files and listing user-named folders — FIFOs, devices, /proc, size caps, timeouts, errors that echo nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  listUserFolder,
  listUserFolderSync,
  readUserText,
  readUserTextSync,
  UserFileError,
  type UserFileProblem,
} from '../../../../src/engine/image/user-files.js';
import { tempDir } from '../../../helpers/tmp.js';

const posix = process.platform !== 'win32';
const SECRET = 'SECRET-LINE-7c1d';

/** Both readers refuse `path` with `code`, and the message names the file but quotes none of it. */
async function refused(path: string, code: UserFileProblem, opts = {}): Promise<string> {
  const check = (err: unknown) => {
    assert.ok(err instanceof UserFileError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, /^the pairs file /);
    assert.doesNotMatch(err.message, new RegExp(SECRET));
    return true;
  };
  await assert.rejects(readUserText(path, 'the pairs file', opts), check);
  assert.throws(() => readUserTextSync(path, 'the pairs file', opts), check);
  const err = await readUserText(path, 'the pairs file', opts).then(
    () => new Error('read'),
    (e: Error) => e,
  );
  return err.message;
}

test('a regular text file reads whole, both ways', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pairs.txt'), 'line one\nline two\n');
  assert.equal(await readUserText(join(dir, 'pairs.txt')), 'line one\nline two\n');
  assert.equal(readUserTextSync(join(dir, 'pairs.txt')), 'line one\nline two\n');
});

test('missing, a folder, empty, too large, binary: each a named problem with no content', async () => {
  const dir = tempDir();
  assert.match(await refused(join(dir, 'nope.txt'), 'not-found'), /was not found/);
  assert.match(await refused(dir, 'not-a-file'), /not a regular file \(a folder\)/);
  writeFileSync(join(dir, 'empty.txt'), '');
  assert.match(await refused(join(dir, 'empty.txt'), 'empty'), /is empty/);
  writeFileSync(join(dir, 'big.txt'), `${SECRET}\n`.repeat(2000));
  assert.match(await refused(join(dir, 'big.txt'), 'too-large', { maxTextBytes: 1000 }), /larger than/);
  writeFileSync(join(dir, 'bin.txt'), Buffer.from(`${SECRET}\0\0\x01`));
  assert.match(await refused(join(dir, 'bin.txt'), 'not-text'), /not a text file/);
});

test('a FIFO is refused at once, never waited on', { skip: !posix }, async () => {
  const dir = tempDir();
  execFileSync('mkfifo', [join(dir, 'pairs.fifo')]);
  const t = Date.now();
  assert.match(await refused(join(dir, 'pairs.fifo'), 'not-a-file'), /not a regular file \(a FIFO\)/);
  assert.ok(Date.now() - t < 2000);
});

test(
  '/dev/zero is refused without reading it; /proc pseudo-files read as empty',
  { skip: !existsSync('/proc/self/environ') },
  async () => {
    assert.match(await refused('/dev/zero', 'not-a-file'), /character device/);
    // /proc/self/environ is a "regular file" of size 0: exactly its size is read, so nothing of the environment.
    await refused('/proc/self/environ', 'empty');
  },
);

test(
  'a read that never returns (a hung drive) is given up after the timeout with a named error',
  { skip: !posix },
  async () => {
    // A hung network drive, stood in for by the whole libuv thread pool blocked in open() on FIFOs nobody writes to:
    // the read's own open then never runs, as on a drive that does not answer.
    const dir = tempDir();
    writeFileSync(join(dir, 'pairs.txt'), 'x\n');
    const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: pool }, (_, i) => join(dir, `block${i}`));
    for (const f of fifos) execFileSync('mkfifo', [f]);
    const blockers = fifos.map((f) => open(f, 'r'));
    try {
      const t = Date.now();
      const err = await readUserText(join(dir, 'pairs.txt'), 'the pairs file', { timeoutMs: 300 }).catch(
        (e: Error) => e,
      );
      assert.ok(err instanceof UserFileError, String(err));
      assert.equal(err.code, 'timeout');
      assert.match(err.message, /reading the pairs file took longer than 0.3 s/);
      assert.ok(Date.now() - t < 2000);
    } finally {
      const writers = fifos.map((f) => openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
      for (const h of await Promise.all(blockers)) await h.close();
      for (const w of writers) closeSync(w);
    }
  },
);

test('a folder lists its entries sorted, links followed, with no name in any error', { skip: !posix }, async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'people', 'bob'), { recursive: true });
  mkdirSync(join(dir, 'people', 'alice'));
  writeFileSync(join(dir, 'people', 'note.txt'), 'x');
  symlinkSync(join(dir, 'people', 'alice'), join(dir, 'people', 'carol'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'people', 'dangling'));
  execFileSync('mkfifo', [join(dir, 'people', 'fifo')]);
  const want = [
    { name: 'alice', kind: 'folder' },
    { name: 'bob', kind: 'folder' },
    { name: 'carol', kind: 'folder' },
    { name: 'dangling', kind: 'other' },
    { name: 'fifo', kind: 'other' },
    { name: 'note.txt', kind: 'file' },
  ];
  assert.deepEqual(await listUserFolder(join(dir, 'people'), 'the labels folder'), want);
  assert.deepEqual(listUserFolderSync(join(dir, 'people'), 'the labels folder'), want);
  const problems: [string, UserFileProblem, RegExp][] = [
    [join(dir, 'missing'), 'not-found', /the labels folder was not found/],
    [join(dir, 'people', 'note.txt'), 'not-a-folder', /the labels folder is not a folder/],
    [join(dir, 'people', 'fifo'), 'not-a-folder', /\(a FIFO\)/],
  ];
  for (const [path, code, text] of problems) {
    for (const attempt of [
      () => listUserFolder(path, 'the labels folder'),
      async () => listUserFolderSync(path, 'the labels folder'),
    ]) {
      const err = await attempt().catch((e: Error) => e);
      assert.ok(err instanceof UserFileError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, text);
      assert.doesNotMatch(err.message, /alice|bob|carol|note/);
    }
  }
  const tooMany = await listUserFolder(join(dir, 'people'), 'the labels folder', { maxEntries: 3 }).catch(
    (e: Error) => e,
  );
  assert.ok(tooMany instanceof UserFileError && tooMany.code === 'too-large', String(tooMany));
});
