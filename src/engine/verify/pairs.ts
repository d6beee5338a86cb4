// Engine (verify): verification pair lists — LFW pairs.txt (k folds from its header) and `file_x,file_y,same` CSV.
import { readUserText, readUserTextSync, UserFileError } from '../image/user-files.js';

export interface Pair {
  /** Image paths relative to the root folder. */
  a: string;
  b: string;
  same: boolean;
  fold: number;
}

export interface PairSet {
  pairs: Pair[];
  folds: number;
  format: 'lfw' | 'csv';
}

export class PairsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairsError';
  }
}

/**
 * [Note: pairs errors quote nothing] A pairs file may be any file a door was given (a CSV with a secret header, a
 * password file): its errors say which line and what is wrong with it ("line 3 is not a pair"), never its text.
 */
const lfwFile = (name: string, i: string, line: number) => {
  const n = Number(i);
  if (!Number.isInteger(n) || n < 0) throw new PairsError(`line ${line}: an image number is not a whole number`);
  return `${name}/${name}_${String(n).padStart(4, '0')}.jpg`;
};

/**
 * LFW View 2 pairs.txt: a header "k n" then k folds of n same-person lines (`Name i j`) followed by n
 * different-person lines (`Name1 i Name2 j`), tab or space separated.
 */
export function parseLfwPairs(text: string): PairSet {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? '').split(/\s+/).map(Number);
  if (header.length !== 2 || !header.every((x) => Number.isInteger(x) && x > 0))
    throw new PairsError(
      'the first line is not a header "folds pairs-per-class" (e.g. "10 300"): not an LFW pairs file',
    );
  const [k, n] = header as [number, number];
  const body = lines
    .slice(1)
    .map((l, i) => ({ l, line: i + 2 }))
    .filter((x) => x.l.length > 0);
  if (body.length !== 2 * k * n)
    throw new PairsError(
      `the header promises ${k} folds x ${2 * n} pairs = ${2 * k * n} lines, the file has ${body.length}`,
    );
  const pairs = body.map(({ l, line }, idx) => {
    const f = l.split(/\s+/);
    const fold = Math.floor(idx / (2 * n));
    if (f.length === 3) return { a: lfwFile(f[0]!, f[1]!, line), b: lfwFile(f[0]!, f[2]!, line), same: true, fold };
    if (f.length === 4) return { a: lfwFile(f[0]!, f[1]!, line), b: lfwFile(f[2]!, f[3]!, line), same: false, fold };
    throw new PairsError(`line ${line} is not a pair (expected 'Name i j' or 'Name1 i Name2 j')`);
  });
  return { pairs, folds: k, format: 'lfw' };
}

const truthy = (v: string, line: number) => {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'same'].includes(s)) return true;
  if (['0', 'false', 'no', 'different', '-1'].includes(s)) return false;
  throw new PairsError(`line ${line}: 'same' should be 1/0 or true/false`);
};

/** CSV with a header naming file_x, file_y, same; no folds of its own: the k-fold split stratifies by label. */
export function parseCsvPairs(text: string, folds = 10): PairSet {
  const rows = text
    .split(/\r?\n/)
    .map((l, i) => ({ l: l.trim(), line: i + 1 }))
    .filter((r) => r.l.length > 0);
  const head = (rows.shift()?.l ?? '').split(',').map((h) => h.trim().toLowerCase());
  const ix = head.indexOf('file_x'), iy = head.indexOf('file_y'), is = head.indexOf('same'); // prettier-ignore
  if (ix < 0 || iy < 0 || is < 0)
    throw new PairsError('the first line is not a CSV header naming file_x, file_y and same');
  let nSame = 0, nDiff = 0; // prettier-ignore
  const pairs = rows.map(({ l, line }) => {
    const f = l.split(',');
    const same = truthy(f[is] ?? '', line);
    const a = (f[ix] ?? '').trim(), b = (f[iy] ?? '').trim(); // prettier-ignore
    if (!a || !b) throw new PairsError(`line ${line}: a file name is missing`);
    // Same and different pairs are dealt round the folds separately so that each fold keeps the class balance.
    const fold = same ? nSame++ % folds : nDiff++ % folds;
    return { a, b, same, fold };
  });
  if (pairs.length < folds)
    throw new PairsError(`${pairs.length} pairs are too few for ${folds}-fold cross-validation`);
  return { pairs, folds, format: 'csv' };
}

function parsePairs(path: string, text: string): PairSet {
  const first = text.slice(0, text.indexOf('\n') >>> 0).toLowerCase();
  return path.toLowerCase().endsWith('.csv') || first.includes('file_x') ? parseCsvPairs(text) : parseLfwPairs(text);
}

const asPairsError = (err: unknown): unknown => (err instanceof UserFileError ? new PairsError(err.message) : err);

/**
 * Reads a pairs file, CSV when it ends in .csv or its first line names file_x, LFW otherwise. The file is read as a
 * user-named file ([Note: user-named files]: regular files only, size-capped, never blocking on a FIFO) and its
 * errors quote nothing of it ([Note: pairs errors quote nothing]).
 */
export function loadPairs(path: string): PairSet {
  let text: string;
  try {
    text = readUserTextSync(path, 'the pairs file');
  } catch (err) {
    throw asPairsError(err);
  }
  return parsePairs(path, text);
}

/** loadPairs with the read off the thread's critical path and a timeout (a hung network drive answers an error). */
export async function readPairs(path: string): Promise<PairSet> {
  let text: string;
  try {
    text = await readUserText(path, 'the pairs file');
  } catch (err) {
    throw asPairsError(err);
  }
  return parsePairs(path, text);
}
