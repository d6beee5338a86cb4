// Dev and CI (plain Node): THE rule of the project's rooms — which folder may import which — and the check that holds src/ to it.
// Run it: `node scripts/rooms.mjs` prints every import that runs upward or sideways, and every SQL statement outside the store.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * [Note: rooms] The rooms, lowest first. A file may import files of its own room and of any room on a lower line;
 * rooms on the same line may not import each other (the three doors; the three features on top of the library).
 * So dependencies run one way, and no cycle between rooms can exist. docs/ARCHITECTURE.md draws the same picture.
 */
export const LEVELS = [
  ['shared'], //     contract, schemas, pure helpers (no Node, no Electron)
  ['base'], //       paths, seeded random, vectors, contained files, jobs (progress, lock), compute (tfjs backend)
  ['store'], //      SQLite: schema, migrations, one repository per table family; the only room with SQL
  ['image'], //      reading and decoding photo files
  ['vision'], //     detection, landmarks, alignment, the frozen recognizer
  ['index'], //      the HNSW index, a derived cache of the store
  ['verify'], //     verification metrics and pair files
  ['arcface'], //    margin losses, heads, training, head versions
  ['cluster'], //    grouping faces into people
  ['people'], //     the user's people operations and suggestions
  ['library'], //    folders, import, thumbnails
  ['lookalike', 'doctor', 'backup'],
  ['api'], //        THE engine facade: every user operation
  ['host'], //       the engine side of the doors: contract dispatch, engine process/thread protocol
  ['cli', 'server', 'main'], // the three doors
  ['launcher'], //   the facelens command: picks a door
];

const BASE_FILES = new Set(['paths.ts', 'random.ts', 'vectors.ts', 'contained.ts']);
const BASE_DIRS = new Set(['jobs', 'compute']);

/** The room of a source file (a path relative to the project root), or undefined when it is in no room. */
export function roomOf(file) {
  const parts = file.split(/[\\/]/);
  if (parts[0] === 'renderer') return 'renderer';
  if (parts[0] !== 'src') return undefined;
  if (parts.length === 2) return ['facelens.ts', 'entry.ts'].includes(parts[1]) ? 'launcher' : undefined;
  if (parts[1] === 'shared') return 'shared';
  if (parts[1] === 'cli' || parts[1] === 'server' || parts[1] === 'main') return parts[1];
  if (parts[1] !== 'engine') return undefined;
  if (parts.length === 3) return BASE_FILES.has(parts[2]) ? 'base' : undefined;
  if (BASE_DIRS.has(parts[2])) return 'base';
  return LEVELS.some((l) => l.includes(parts[2])) ? parts[2] : undefined;
}

const levelOf = (room) => LEVELS.findIndex((l) => l.includes(room));
/** A door reaches the engine through its facade (api) or the host only: it parses, calls and prints. */
const DOORS = new Set(['cli', 'server', 'main']);
const DOORS_SEE = new Set(['shared', 'base', 'api', 'host']);

/** Why `from` may not import `to`, or undefined when it may. */
export function refusal(from, to) {
  if (from === to) return undefined;
  if (from === 'renderer') return to === 'shared' ? undefined : 'the renderer sees only src/shared (the contract)';
  if (to === 'renderer') return 'nothing imports the renderer';
  if (!to) return undefined;
  const [a, b] = [levelOf(from), levelOf(to)];
  if (a < 0 || b < 0) return `no room '${a < 0 ? from : to}' in the rule`;
  if (b > a) return 'an upward import';
  if (b === a) return 'rooms on one level do not import each other';
  if (DOORS.has(from) && !DOORS_SEE.has(to)) return 'a door reaches the engine only through api/ or host/';
  return undefined;
}

const SPEC =
  /(?:^|[^.\w])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\s)import\s+['"]([^'"]+)['"]|new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/gm;
/** SQL outside the store: a statement prepared, run or a pragma asked on a database handle. */
const SQL = /\bdb\.(?:prepare|exec|pragma)\s*\(|new Database\s*\(/;

/** The relative import specifiers of a source text (packages are not rooms). */
export function importsOf(text) {
  const out = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (spec && spec.startsWith('.')) out.push(spec);
  }
  return out;
}

/** Resolves `spec` imported by `file` (both relative to root) to a path relative to root, .js -> .ts. */
function target(root, file, spec) {
  const abs = resolve(root, dirname(file), spec.replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts'));
  return relative(root, abs).split(sep).join('/');
}

function sources(root, dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(join(root, d))) {
      const p = join(d, name);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (/\.(ts|cts|mts|svelte)$/.test(name)) out.push(p.split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Every broken rule in the tree at `root`: {file, line, what}. */
export function check(root) {
  const problems = [];
  for (const file of [...sources(root, 'src'), ...sources(root, join('renderer', 'src'))]) {
    const from = roomOf(file);
    const text = readFileSync(join(root, file), 'utf8');
    const lineOf = (index) => text.slice(0, index).split('\n').length;
    if (!from) {
      problems.push({ file, line: 1, what: 'this file is in no room of the rule (scripts/rooms.mjs)' });
      continue;
    }
    for (const m of text.matchAll(SPEC)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (!spec || !spec.startsWith('.')) continue;
      const to = roomOf(target(root, file, spec));
      const why = refusal(from, to);
      if (why) problems.push({ file, line: lineOf(m.index), what: `${from} imports ${to} (${spec}): ${why}` });
    }
    if (from !== 'store' && file.startsWith('src/')) {
      const sql = SQL.exec(text);
      if (sql)
        problems.push({ file, line: lineOf(sql.index), what: `SQL outside src/engine/store (${sql[0].trim()})` });
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = check(root);
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.what}`);
  console.log(
    problems.length
      ? `${problems.length} broken room rules`
      : 'rooms: every import runs downward; SQL only in the store',
  );
  process.exit(problems.length ? 1 : 0);
}
