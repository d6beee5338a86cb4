// Unit tests (engine/library): content hashing (streamed and in memory agree; known digests) and the safe file reader.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashBytes, hashFile } from '../../../../src/engine/image/hash.js';
import { ReadError, readPhotoFile } from '../../../../src/engine/image/read.js';
import { tempDir } from '../../../helpers/tmp.js';

test('sha256 of known content', async () => {
  assert.equal(hashBytes(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const p = join(tempDir(), 'abc');
  writeFileSync(p, 'abc');
  assert.equal(await hashFile(p), hashBytes(Buffer.from('abc')));
});

test('the streamed hash of a multi-chunk file equals the in-memory one', async () => {
  const bytes = Buffer.alloc(3 * 65536 + 17);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const p = join(tempDir(), 'big.bin');
  writeFileSync(p, bytes);
  assert.equal(await hashFile(p, 65536), hashBytes(bytes));
});

test('the reader refuses empty files, folders and FIFOs without blocking', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'empty.jpg'), '');
  mkdirSync(join(dir, 'folder.jpg'));
  execFileSync('mkfifo', [join(dir, 'fifo.jpg')]);
  const code = async (p: string) =>
    readPhotoFile(join(dir, p)).then(
      () => 'ok',
      (e: ReadError) => e.code,
    );
  assert.equal(await code('empty.jpg'), 'empty');
  assert.equal(await code('folder.jpg'), 'not-a-file');
  assert.equal(await code('fifo.jpg'), 'not-a-file');
  assert.equal(await code('absent.jpg'), 'unreadable');
  writeFileSync(join(dir, 'big.jpg'), Buffer.alloc(100));
  await assert.rejects(readPhotoFile(join(dir, 'big.jpg'), 10), (e: ReadError) => e.code === 'too-large');
  const r = await readPhotoFile(join(dir, 'big.jpg'));
  assert.equal(r.bytes.length, 100);
});
