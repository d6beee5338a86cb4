// Engine (api): the one place where what went wrong inside the engine becomes a wire error (code + message) for every door.
import { ApiError, type ErrorCode, type WireError } from '../../shared/result.js';
import { BackupFormatError } from '../backup/restore.js';
import { DecodeError } from '../image/decode.js';
import { ReadError } from '../image/read.js';
import { LockedError } from '../jobs/lock.js';
import { FolderRefusedError } from '../library/walk.js';
import { PeopleError } from '../people/ops.js';
import { NativeModuleError } from '../store/native.js';
import { NewerDatabaseError } from '../store/db.js';
import { PairsError } from '../verify/pairs.js';

/**
 * [Note: one error map] Engine modules throw their own errors (PeopleError, PairsError, ...); the facade's own
 * checks throw ApiError. This table gives each its contract code; the host answers `{ok: false, error}` with it,
 * and the CLI prints the message and exits 2 for the caller's mistake (invalid-args), 1 for anything else.
 */
const CODES: [new (...args: never[]) => Error, ErrorCode | ((e: Error) => ErrorCode)][] = [
  [ApiError, (e) => (e as ApiError).code],
  [PeopleError, (e) => (e as PeopleError).code],
  [PairsError, 'invalid-args'],
  [BackupFormatError, 'invalid-args'],
  [DecodeError, 'invalid-args'],
  [ReadError, 'invalid-args'],
  [LockedError, 'conflict'],
  [FolderRefusedError, 'invalid-args'],
  [NewerDatabaseError, 'engine'],
  [NativeModuleError, 'engine'],
];

/** Is this an error the engine means to report (a known failure with a message for the user), not a bug? */
export function isEngineError(err: unknown): boolean {
  return CODES.some(([cls]) => err instanceof cls);
}

export function wireError(err: unknown): WireError {
  if (err instanceof Error) {
    for (const [cls, code] of CODES)
      if (err instanceof cls) return { code: typeof code === 'function' ? code(err) : code, message: err.message };
    return { code: 'engine', message: err.message };
  }
  return { code: 'engine', message: String(err) };
}
