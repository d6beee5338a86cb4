// CLI (terminal door): `facelens import-backup FILE`: apply a backup to the library (one undoable step for its people part).
import { resolve } from 'node:path';
import { parse, withEngine } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'no-activate': { type: 'boolean', default: false } });
  if (values.help || positionals.length !== 1) {
    console.log(
      'usage: facelens import-backup FILE [--db PATH] [--no-activate] [--json]\n  matches faces by photo content and box, so it applies after a library is rebuilt from the same photos',
    );
    return values.help ? 0 : 2;
  }
  return withEngine(values, async (engine) => {
    const s = await engine.care.importBackup(resolve(positionals[0]!), { activate: !values['no-activate'] });
    if (values.json) console.log(JSON.stringify(s));
    else {
      console.log(`restored into ${engine.dbPath}:`);
      for (const [k, v] of Object.entries(s)) console.log(`  ${k.padEnd(20)} ${v}`);
    }
    return 0;
  });
}
