// CLI (terminal door): `facelens people ...` — list people and make corrections (rename, merge, split, move, confirm, reject, hide, undo).
import { CliError, ids, parse, quoted, withEngine } from '../args.js';

const USAGE = `usage: facelens people <verb> ... [--db PATH] [--json]
  list [--hidden]                people with their face counts (named first, then largest)
  queue                          unnamed groups, largest first, with the closest named people
  questions                      what to answer next, most useful first: name a group, or "Is this X?"
  rename ID NAME
  merge INTO_ID FROM_ID...       FROM people's faces, names and rejections go to INTO
  split FACE_ID... [--name N]    the faces become a new person
  move TO_ID FACE_ID...          the faces go to person TO (as the user's decision)
  confirm ID FACE_ID...          "these faces are ID": kept by every re-cluster
  reject ID FACE_ID...           "these faces are not ID": remembered for good
  hide ID | show ID
  cover ID FACE_ID
  history | undo | redo`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: 'string' },
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
  const out = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json) : text);
  const label = (p: { id: number; name: string | null }) => p.name ?? `person ${p.id}`;
  return withEngine(values, async (engine) => {
    const people = engine.people;
    switch (verb) {
      case 'list': {
        const { items } = people.list({ offset: 0, limit: 5000, includeHidden: values.hidden, named: 'all' });
        out(
          items,
          items
            .map(
              (r) =>
                `${r.id}\t${r.name ?? '(unnamed)'}\t${r.faceCount} faces${r.placedCount ? `, ${r.placedCount} placed by you` : ''}${r.rejectedCount ? `, ${r.rejectedCount} rejected` : ''}${r.hidden ? ' [hidden]' : ''}`,
            )
            .join('\n') || 'no people yet (run: facelens cluster)',
        );
        break;
      }
      case 'queue': {
        const q = people.nameQueue({ limit: 500 });
        out(
          q,
          q
            .map(
              (g) =>
                `${g.person.id}\t${g.person.faceCount} faces\t${g.closest.map((c) => `${label(c.person)} ${c.similarity.toFixed(2)}`).join(', ') || '(no named people yet)'}`,
            )
            .join('\n') || 'every group has a name',
        );
        break;
      }
      case 'questions': {
        const q = await people.questions({ limit: 100 });
        out(
          q,
          q
            .map((x) =>
              x.kind === 'name'
                ? `name person ${x.person.id} (${x.person.faceCount} faces)${x.closest.length ? `: maybe ${x.closest.map((c) => `${label(c.person)} ${c.similarity.toFixed(2)}`).join(', ')}` : ''}`
                : `is face ${x.face.id} ${label(x.person)}? (similarity ${x.similarity.toFixed(2)}; yes: people confirm ${x.person.id} ${x.face.id}, no: people reject ${x.person.id} ${x.face.id})`,
            )
            .join('\n') || 'nothing to ask: every group is named and no face looks like a named person',
        );
        break;
      }
      case 'rename': {
        need(2);
        const p = people.rename({ personId: ids([args[0]!], 'person id')[0]!, name: args.slice(1).join(' ') });
        out(p, `person ${p.id} is now ${p.name}`);
        break;
      }
      case 'merge': {
        need(2);
        const [into, ...from] = ids(args, 'person id');
        const p = people.merge({ intoId: into!, fromIds: from });
        out(p, `merged ${from.join(', ')} into ${label(p)}`);
        break;
      }
      case 'split': {
        need(1);
        const p = people.split({ faceIds: ids(args, 'face id'), ...(values.name ? { name: values.name } : {}) });
        out(p, `${args.length} faces are now person ${p.id}${p.name ? ` (${p.name})` : ''}`);
        break;
      }
      case 'move': {
        need(2);
        const [to, ...faces] = ids(args, 'id');
        out(people.move({ faceIds: faces, toPersonId: to! }), `moved ${faces.length} faces to person ${to}`);
        break;
      }
      case 'confirm':
      case 'reject': {
        need(2);
        const [person, ...faces] = ids(args, 'id');
        const r = (verb === 'confirm' ? people.confirm : people.reject).call(people, {
          personId: person!,
          faceIds: faces,
        });
        out(r, `${verb === 'confirm' ? 'confirmed' : 'rejected'} ${faces.length} faces for person ${person}`);
        break;
      }
      case 'hide':
      case 'show': {
        need(1);
        const r = people.hide({ personId: ids([args[0]!], 'person id')[0]!, hidden: verb === 'hide' });
        out(r, `person ${args[0]} ${verb === 'hide' ? 'hidden' : 'shown'}`);
        break;
      }
      case 'cover': {
        need(2);
        const [person, face] = ids(args, 'id');
        out(people.setCover({ personId: person!, faceId: face! }), `face ${face} is the cover of person ${person}`);
        break;
      }
      case 'history': {
        const h = engine.history.list({ limit: 50 });
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
        const r = verb === 'undo' ? engine.history.undo() : engine.history.redo();
        out(r, r.entry ? `${verb === 'undo' ? 'undid' : 'redid'}: ${r.entry.summary}` : `nothing to ${verb}`);
        break;
      }
      default:
        throw new CliError(`unknown verb ${quoted(verb)}\n${USAGE}`);
    }
    return 0;
  });
}
