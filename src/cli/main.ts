// CLI (terminal door): dispatches `facelens <command>` to src/cli/commands/<command>.ts (entry.ts runs it).
import { isEngineError, wireError } from '../engine/api/errors.js';
import { CliError } from './args.js';

/** Every command, with a one-line summary; each lives in commands/<name>.ts and exports `run(argv)`. */
export const COMMANDS: Record<string, string> = {
  import: 'import <folder...> [--db PATH]: find, align and embed the faces in photo folders',
  verify: 'verify --pairs FILE --root DIR [--aligned] [--flip] [--json]: face verification accuracy on a pairs file',
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
    console.error(`facelens: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let mod: { run(argv: string[]): Promise<number> };
  try {
    mod = await import(`./commands/${name}.js`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`commands/${name}`)) {
      console.error(`facelens: '${name}' is not available in this build`);
      return 2;
    }
    throw err;
  }
  try {
    return await mod.run(rest);
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
