// CLI (terminal door): `facelens heads list|activate ID` — ArcFace head versions and switching the active one.
import { CliError, ids, parse, quoted, withEngine } from '../args.js';

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
  return withEngine(values, async (engine) => {
    if (verb === 'list') {
      const heads = engine.heads.list();
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
      const [id] = ids([arg ?? ''], 'head id');
      const t0 = performance.now();
      const r = await engine.heads.activate({ headId: id! });
      const seconds = (performance.now() - t0) / 1000;
      if (values.json)
        console.log(JSON.stringify({ headId: id, faces: r.reembedded, seconds, index: engine.indexPath }));
      else
        console.log(
          `head ${id} active: ${r.reembedded} faces re-embedded in ${seconds.toFixed(2)} s, index rebuilt at ${engine.indexPath}`,
        );
      return 0;
    }
    throw new CliError(`unknown verb ${quoted(verb)}\n${USAGE}`);
  });
}
