// CLI (terminal door): argument parsing shared by every command, on node:util parseArgs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
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

export function num(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined || typeof value === 'boolean') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got '${value}'`);
  return n;
}
