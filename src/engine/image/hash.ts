// Engine (library): sha256 of a file's content, streamed (any size) or of bytes already in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Lower-case hex sha256 of the bytes. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lower-case hex sha256 of the file, read in chunks so its size does not matter. */
export async function hashFile(path: string | Buffer, highWaterMark = 1 << 20): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark })) h.update(chunk as Buffer);
  return h.digest('hex');
}
