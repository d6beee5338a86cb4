// CLI (terminal door): `facelens people ...` — list people and make corrections (rename, merge, split, move, confirm, reject, hide, undo).
import { listHistory, redo, undo } from '../../engine/people/history.js';
import * as ops from '../../engine/people/ops.js';
import { nameQueue } from '../../engine/people/suggest.js';
import { openDb, type Db } from '../../engine/store/db.js';
import { CliError, dbPathOf, num, parse } from '../args.js';

const USAGE = `usage: facelens people <verb> ... [--db PATH] [--json]
  list [--all] [--hidden]        people with their face counts (named first, then largest)
  queue                          unnamed groups, largest first, with the closest named people
  rename ID NAME
  merge INTO_ID FROM_ID...       FROM people's faces, names and rejections go to INTO
  split FACE_ID... [--name N]    the faces become a new person
  move TO_ID FACE_ID...          the faces go to person TO (as the user's decision)
  confirm ID FACE_ID...          "these faces are ID": kept by every re-cluster
  reject ID FACE_ID...           "these faces are not ID": remembered for good
  hide ID | show ID
  cover ID FACE_ID
  history | undo | redo`;

const ids = (xs: string[], what: string) =>
  xs.map((x) => {
    const n = num(x, what, NaN);
    if (!Number.isInteger(n) || n <= 0) throw new CliError(`${what} must be a positive whole number, got '${x}'`);
    return n;
  });

function listPeople(db: Db, all: boolean, hidden: boolean) {
  return db
    .prepare(
      `SELECT p.id, p.name, p.hidden, count(fp.face_id) AS faces, sum(fp.source = 'user') AS placed,
              (SELECT count(*) FROM face_rejections r WHERE r.person_id = p.id) AS rejected
         FROM people p LEFT JOIN face_people fp ON fp.person_id = p.id
        WHERE (? OR p.hidden = 0)
        GROUP BY p.id HAVING ? OR faces > 0
        ORDER BY p.name IS NULL, faces DESC, p.id`,
    )
    .all(hidden ? 1 : 0, all ? 1 : 0) as {
    id: number;
    name: string | null;
    hidden: number;
    faces: number;
    placed: number | null;
    rejected: number;
  }[];
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: 'string' },
    all: { type: 'boolean', default: false },
    hidden: { type: 'boolean', default: false },
  });
  const [verb, ...args] = positionals;
  if (values.help || !verb) {
    console.log(USAGE);
    return verb || values.help ? 0 : 2;
  }
  const need = (n: number) => {
    if (args.length < n) throw new CliError(`people ${verb}: missing arguments\n${USAGE}`);
  };
  const db = openDb(dbPathOf(values));
  const out = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json) : text);
  try {
    switch (verb) {
      case 'list': {
        const rows = listPeople(db, values.all, values.hidden);
        out(
          rows,
          rows
            .map(
              (r) =>
                `${r.id}\t${r.name ?? '(unnamed)'}\t${r.faces} faces${r.placed ? `, ${r.placed} placed by you` : ''}${r.rejected ? `, ${r.rejected} rejected` : ''}${r.hidden ? ' [hidden]' : ''}`,
            )
            .join('\n') || 'no people yet (run: facelens cluster)',
        );
        break;
      }
      case 'queue': {
        const q = nameQueue(db);
        out(
          q,
          q
            .map(
              (g) =>
                `${g.personId}\t${g.faceCount} faces\t${g.closest.map((c) => `${c.name} ${c.similarity.toFixed(2)}`).join(', ') || '(no named people yet)'}`,
            )
            .join('\n') || 'every group has a name',
        );
        break;
      }
      case 'rename': {
        need(2);
        const p = ops.rename(db, ids([args[0]!], 'person id')[0]!, args.slice(1).join(' '));
        out(p, `person ${p.id} is now ${p.name}`);
        break;
      }
      case 'merge': {
        need(2);
        const [into, ...from] = ids(args, 'person id');
        const p = ops.merge(db, into!, from);
        out(p, `merged ${from.join(', ')} into ${p.name ?? `person ${p.id}`}`);
        break;
      }
      case 'split': {
        need(1);
        const p = ops.split(db, ids(args, 'face id'), values.name);
        out(p, `${args.length} faces are now person ${p.id}${p.name ? ` (${p.name})` : ''}`);
        break;
      }
      case 'move': {
        need(2);
        const [to, ...faces] = ids(args, 'id');
        ops.move(db, faces, to!);
        out({ ok: true }, `moved ${faces.length} faces to person ${to}`);
        break;
      }
      case 'confirm':
      case 'reject': {
        need(2);
        const [person, ...faces] = ids(args, 'id');
        (verb === 'confirm' ? ops.confirm : ops.reject)(db, person!, faces);
        out(
          { ok: true },
          `${verb === 'confirm' ? 'confirmed' : 'rejected'} ${faces.length} faces for person ${person}`,
        );
        break;
      }
      case 'hide':
      case 'show': {
        need(1);
        ops.hide(db, ids([args[0]!], 'person id')[0]!, verb === 'hide');
        out({ ok: true }, `person ${args[0]} ${verb === 'hide' ? 'hidden' : 'shown'}`);
        break;
      }
      case 'cover': {
        need(2);
        const [person, face] = ids(args, 'id');
        ops.setCover(db, person!, face!);
        out({ ok: true }, `face ${face} is the cover of person ${person}`);
        break;
      }
      case 'history': {
        const h = listHistory(db);
        out(
          h,
          h
            .map((e) => `${e.id}\t${new Date(e.at).toISOString()}\t${e.undone ? '(undone) ' : ''}${e.summary}`)
            .join('\n') || 'no history yet',
        );
        break;
      }
      case 'undo':
      case 'redo': {
        const e = verb === 'undo' ? undo(db) : redo(db);
        out({ entry: e ?? null }, e ? `${verb === 'undo' ? 'undid' : 'redid'}: ${e.summary}` : `nothing to ${verb}`);
        break;
      }
      default:
        throw new CliError(`unknown verb '${verb}'\n${USAGE}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ops.PeopleError) throw new CliError(err.message, 1);
    throw err;
  } finally {
    db.close();
  }
}
