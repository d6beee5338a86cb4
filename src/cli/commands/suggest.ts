// CLI (terminal door): `facelens suggest --person ID` — "Is this X?": faces that may be this person, best first.
import { CliError, ids, num, parse, withEngine } from '../args.js';

const USAGE = `usage: facelens suggest --person ID [--limit N] [--min-similarity S] [--json]
  (default minimum: the library's suggestion threshold)
  faces in nobody or placed elsewhere by a guess, ranked by mean similarity to the person's faces;
  never a rejected face, never a face from a photo that already shows the person`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { person: { type: 'string' }, limit: { type: 'string' }, 'min-similarity': { type: 'string' } },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.person === undefined) throw new CliError(`--person is required\n${USAGE}`);
  const [personId] = ids([values.person], 'person');
  return withEngine(values, (engine) => {
    const list = engine.people.suggestions(
      { personId: personId!, limit: num(values.limit, 'limit', 20) },
      values['min-similarity'] !== undefined
        ? { minSimilarity: num(values['min-similarity'], 'min-similarity', NaN) }
        : {},
    );
    if (values.json) console.log(JSON.stringify(list));
    else if (list.length === 0) console.log(`no suggestions for person ${personId}`);
    else
      for (const s of list)
        console.log(
          `face ${s.face.id}\t${s.similarity.toFixed(3)}\t${s.face.personId ? `now in ${s.face.personName ?? `person ${s.face.personId}`}` : 'unknown'}`,
        );
    return 0;
  });
}
