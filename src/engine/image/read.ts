// Engine (library): reads one photo file into memory safely: regular files only, never blocking on a FIFO, size-capped.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeOptions } from './decode.js';

export class ReadError extends Error {
  constructor(
    readonly code: 'unreadable' | 'not-a-file' | 'too-large' | 'empty' | 'changed',
    message: string,
  ) {
    super(message);
    this.name = 'ReadError';
  }
}

export interface FileBytes {
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

/** Why an fs call failed, in words a user understands. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'the file is gone (moved or deleted during the scan, or a broken link)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'EISDIR':
      return 'this is a folder, not a file';
    case 'EIO':
      return 'the disk reported a read error (EIO)';
    default:
      return `cannot read it (${code ?? (err as Error).message})`;
  }
}

/**
 * Opens with O_NONBLOCK and checks the open handle is a regular file before reading, so a FIFO, socket or device
 * that took a photo's name (or replaced it after the scan) is refused instead of hanging the import; the size is
 * read from the same handle, so the bytes, size and mtime belong to one version of the file.
 */
export async function readPhotoFile(path: string | Buffer, maxBytes = decodeOptions.maxFileBytes): Promise<FileBytes> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new ReadError('unreadable', describeFsError(err));
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new ReadError('not-a-file', `not a regular file (${kindOf(st)})`);
    if (st.size === 0) throw new ReadError('empty', 'the file is empty (0 bytes)');
    if (st.size > maxBytes)
      throw new ReadError(
        'too-large',
        `the file is ${Math.round(st.size / 2 ** 20)} MB, more than the ${Math.round(maxBytes / 2 ** 20)} MB limit`,
      );
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await fh.read(bytes, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got !== st.size)
      throw new ReadError('changed', 'the file shrank while it was read (being written or replaced?)');
    return { bytes, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  } catch (err) {
    if (err instanceof ReadError) throw err;
    throw new ReadError('unreadable', describeFsError(err));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

export function kindOf(st: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isDirectory(): boolean;
}): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}
