// CLI (terminal door): `facelens suggest --person ID` — "Is this X?": faces that may be this person, best first.
import { PeopleError } from '../../engine/people/ops.js';
import { suggestions } from '../../engine/people/suggest.js';
import { openDb } from '../../engine/store/db.js';
import { CliError, dbPathOf, num, parse } from '../args.js';

const USAGE = `usage: facelens suggest --person ID [--limit N] [--min-similarity S] [--json]
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
  const person = num(values.person, 'person', 0);
  const db = openDb(dbPathOf(values));
  try {
    const opts =
      values['min-similarity'] !== undefined
        ? { minSimilarity: num(values['min-similarity'], 'min-similarity', 0.25) }
        : {};
    const list = suggestions(db, person, num(values.limit, 'limit', 20), opts);
    if (values.json) console.log(JSON.stringify(list));
    else if (list.length === 0) console.log(`no suggestions for person ${person}`);
    else
      for (const s of list)
        console.log(
          `face ${s.faceId}\t${s.similarity.toFixed(3)}\t${s.currentPersonId ? `now in person ${s.currentPersonId}` : 'unknown'}`,
        );
    return 0;
  } catch (err) {
    if (err instanceof PeopleError) throw new CliError(err.message, 1);
    throw err;
  } finally {
    db.close();
  }
}
