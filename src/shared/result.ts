// Shared (every door and the renderer): the {ok, value} | {ok, error} result that crosses process boundaries.

/** Machine codes of the errors a contract call can answer with; the message is what the user reads. */
export type ErrorCode =
  | 'invalid-args' // the arguments failed the method's schema
  | 'unknown-method' // no such method in the contract
  | 'not-found' // the person, face, photo, head or job does not exist
  | 'conflict' // the request contradicts the library's state (e.g. merging a person into itself)
  | 'unauthorized' // web door: missing or wrong session token
  | 'too-large' // web door: request body over the limit
  | 'busy' // too many calls at once: try again
  | 'engine'; // the engine failed; the message says how

export interface WireError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * [Note: errors cross the boundary] Handlers never throw across IPC or HTTP: they answer a Result, and the
 * caller turns `{ ok: false }` back into an ApiError with the same code, so the renderer can tell "not
 * found" from "conflict" from a bug, whichever door carried the call (Signal-Desktop's sql channel).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Turns any thrown value into a wire error (ApiError keeps its code; anything else is an engine error). */
export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'engine', message: err.message };
  return { code: 'engine', message: String(err) };
}

/** The caller's side: the value, or the error rethrown as an ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message);
}
