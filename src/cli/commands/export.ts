// CLI (terminal door): `facelens export FILE`: back up people, names, corrections, hand-drawn faces and heads (not photos).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, dbPathOf, parse, withEngine } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help || positionals.length !== 1) {
    console.log('usage: facelens export FILE [--db PATH] [--json]');
    return values.help ? 0 : 2;
  }
  if (!existsSync(resolve(dbPathOf(values)))) throw new CliError(`no library at ${resolve(dbPathOf(values))}`);
  return withEngine(values, (engine) => {
    const s = engine.care.exportBackup(resolve(positionals[0]!));
    if (values.json) console.log(JSON.stringify(s));
    else
      console.log(
        `wrote ${s.path}: ${s.people} people, ${s.assignments} face assignments, ${s.rejections} rejections, ${s.manualFaces} hand-drawn faces, ${s.heads} heads (${s.bytes} bytes)`,
      );
    return 0;
  });
}
