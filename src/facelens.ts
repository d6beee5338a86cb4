// Launcher: the `facelens` command — picks the door a command belongs to (the terminal's commands, or the web door for `serve`) and runs it.
import { CliError, quoted } from './cli/args.js';
import { isEngineError, wireError } from './engine/api/errors.js';

/** Every command, with a one-line summary. */
export const COMMANDS = {
  import: 'import <folder...> [--db PATH]: find, align and embed the faces in photo folders',
  verify:
    'verify --pairs FILE --root DIR [--aligned] [--flip] | --people [--json]: verification accuracy on a pairs file or your named people',
  similar: 'similar --face ID [-k N]: the faces most like a face',
  stats: 'stats [--json]: what the library holds',
  train: 'train --labels DIR ...: train or fine-tune an ArcFace head',
  heads: 'heads list|activate ID [--json]: ArcFace head versions',
  lab: 'lab --labels DIR --losses ...: compare margin losses on one split',
  cluster: 'cluster [--algorithm NAME] [--json]: group faces into people',
  people: 'people list|rename|merge|split|move|confirm|reject|hide ...: people and corrections',
  suggest: 'suggest --person ID: faces that may be this person',
  lookalike:
    'lookalike --a ID --b ID [--train] | --truth DIR [--aligned]: separate two look-alike people, before/after',
  'eval-clusters': 'eval-clusters --truth DIR [--aligned] [--algorithm NAME] [--json]: clustering quality',
  serve: 'serve [--port N]: the app in a browser on 127.0.0.1 (web door)',
  doctor: 'doctor [--repair] [--json]: check and repair the library',
  export: 'export FILE: back up people, names, corrections and heads',
  'import-backup': 'import-backup FILE: restore a backup',
} satisfies Record<string, string>;

type Run = (argv: string[]) => Promise<number>;
const run = (m: Promise<{ run: Run }>) => m.then((x) => x.run);

/**
 * [Note: one launcher, three doors] The terminal's commands live in src/cli/commands/<name>.ts, the web door's
 * start in src/server/serve.ts; each exports `run(argv)`. No door imports another: this launcher, above them all,
 * is the only module that knows both (Electron's window starts from src/main/main.ts).
 */
const LOADERS: Record<keyof typeof COMMANDS, () => Promise<Run>> = {
  import: () => run(import('./cli/commands/import.js')),
  verify: () => run(import('./cli/commands/verify.js')),
  similar: () => run(import('./cli/commands/similar.js')),
  stats: () => run(import('./cli/commands/stats.js')),
  train: () => run(import('./cli/commands/train.js')),
  heads: () => run(import('./cli/commands/heads.js')),
  lab: () => run(import('./cli/commands/lab.js')),
  cluster: () => run(import('./cli/commands/cluster.js')),
  people: () => run(import('./cli/commands/people.js')),
  suggest: () => run(import('./cli/commands/suggest.js')),
  lookalike: () => run(import('./cli/commands/lookalike.js')),
  'eval-clusters': () => run(import('./cli/commands/eval-clusters.js')),
  serve: () => run(import('./server/serve.js')),
  doctor: () => run(import('./cli/commands/doctor.js')),
  export: () => run(import('./cli/commands/export.js')),
  'import-backup': () => run(import('./cli/commands/import-backup.js')),
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, text]) => `  ${text.startsWith(name) ? text : `${name} ${text}`}`);
  return ['usage: facelens <command> [options]   (every command takes --db PATH)', '', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (!(name in COMMANDS)) {
    console.error(`facelens: unknown command ${quoted(name)}\n\n${usage()}`);
    return 2;
  }
  const command = await LOADERS[name as keyof typeof COMMANDS]();
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`facelens ${name}: ${err.message}`);
      return err.exitCode;
    }
    // What the engine reports on purpose (see [Note: one error map]) is a message, not a stack.
    if (!isEngineError(err)) throw err;
    const wire = wireError(err);
    console.error(`facelens ${name}: ${wire.message}`);
    return wire.code === 'invalid-args' ? 2 : 1;
  }
}
