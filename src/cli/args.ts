// CLI (terminal door): argument parsing shared by every command, on node:util parseArgs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Engine } from '../engine/api/engine.js';
import { defaultDbPath } from '../engine/paths.js';

/** An error the user can fix; printed without a stack, with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command understands. */
export const COMMON_OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

export function parse<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function dbPathOf(values: { db?: string | boolean | undefined }): string {
  return typeof values.db === 'string' ? values.db : defaultDbPath();
}

/**
 * A value the user typed, as an error message may show it: quoted, its first 24 characters, control characters
 * (terminal escapes, newlines) as '?'. A pasted page or an escape sequence never reaches the terminal whole.
 */
export function quoted(value: unknown): string {
  const chars = [...String(value)];
  const shown = chars
    .slice(0, 24)
    .map((c) => (/\p{Cc}|\p{Cf}/u.test(c) ? '?' : c))
    .join('');
  return `'${shown}'${chars.length > 24 ? ` (cut, ${chars.length} characters)` : ''}`;
}

export function num(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined || typeof value === 'boolean') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got ${quoted(value)}`);
  return n;
}

/** Opens the library `--db` names (or the user's default one) on the engine facade, runs `fn`, closes it. */
export async function withEngine<T>(
  values: { db?: string | boolean | undefined },
  fn: (engine: Engine) => Promise<T> | T,
): Promise<T> {
  const engine = Engine.open(dbPathOf(values), { door: 'cli' });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** A list of positive whole numbers (ids) from the command line. */
export function ids(xs: string[], what: string): number[] {
  return xs.map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n <= 0) throw new CliError(`${what} must be a positive whole number, got ${quoted(x)}`);
    return n;
  });
}

/** Writes a progress line to stderr at most every `everyMs` (always the last one): rewritten in place on a terminal. */
export function progressWriter(everyMs = 1000): (line: string, last: boolean) => void {
  let at = 0;
  const tty = process.stderr.isTTY;
  return (line, last) => {
    const now = Date.now();
    if (!last && now - at < everyMs) return;
    at = now;
    process.stderr.write(tty ? `\r\x1b[K${line}${last ? '\n' : ''}` : `${line}\n`);
  };
}
