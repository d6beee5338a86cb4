// CLI (terminal door): `facelens heads list|activate ID` — ArcFace head versions and switching the active one.
import { CliError, dbPathOf, parse } from '../args.js';
import { activateHeadFast, listHeads } from '../../engine/arcface/heads.js';
import { openDb } from '../../engine/store/db.js';

const USAGE = `usage: facelens heads list [--json] [--db PATH]
       facelens heads activate ID [--json] [--db PATH]   re-embeds every face with head ID and rebuilds the index`;

const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(2)}%` : '-');

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const [verb, arg] = positionals;
  if (values.help || !verb) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const dbPath = dbPathOf(values);
  const db = openDb(dbPath);
  try {
    if (verb === 'list') {
      const heads = listHeads(db);
      if (values.json) {
        console.log(JSON.stringify(heads.map((h) => ({ ...h, metrics: { ...h.metrics, curve: undefined } }))));
        return 0;
      }
      console.log(
        `${'id'.padStart(4)}  ${'kind'.padEnd(9)}  active  ${'held-out TAR@1e-3 before -> after'.padEnd(34)}  name`,
      );
      for (const h of heads) {
        const m = h.metrics as { before?: { tarAtFar1e3?: number }; after?: { tarAtFar1e3?: number } };
        const tar = m.before && m.after ? `${pct(m.before.tarAtFar1e3)} -> ${pct(m.after.tarAtFar1e3)}` : '';
        console.log(
          `${String(h.id).padStart(4)}  ${h.kind.padEnd(9)}  ${h.active ? '  *   ' : '      '}  ${tar.padEnd(34)}  ${h.name}`,
        );
      }
      return 0;
    }
    if (verb === 'activate') {
      const id = Number(arg);
      if (!Number.isInteger(id) || id < 1) throw new CliError(`activate needs a head id, got '${arg ?? ''}'\n${USAGE}`);
      let r;
      try {
        r = await activateHeadFast(db, id, dbPath);
      } catch (err) {
        throw new CliError((err as Error).message, 1);
      }
      if (values.json)
        console.log(JSON.stringify({ headId: id, faces: r.faces, seconds: r.seconds, index: r.index ?? null }));
      else
        console.log(
          `head ${id} active: ${r.faces} faces re-embedded in ${r.seconds.toFixed(2)} s${r.index ? `, index rebuilt at ${r.index}` : ''}`,
        );
      return 0;
    }
    throw new CliError(`unknown verb '${verb}'\n${USAGE}`);
  } finally {
    db.close();
  }
}
