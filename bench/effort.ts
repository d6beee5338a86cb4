// Bench (cli, dev only): how many answers a user needs for a clean library: a simulated user who knows the truth labels
// and uses only the app's own actions, counted until (a) every person with 3+ photos is named with 95% of their faces
// and (b) BCubed F reaches 0.99.
// usage: node --import tsx bench/effort.ts [--sets celeba-wild,lfw] [--methods default,density,by-size] [--libs DIR]
//          [--patience 10] [--set KEY=VALUE ...] [--explain] [--keep-mixed]   (methods also: density+ft, default+ft)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { activateHead } from '../src/engine/arcface/heads.js';
import { parseLoss } from '../src/engine/arcface/loss-spec.js';
import { prepare, runTraining } from '../src/engine/arcface/run.js';
import { assignNewFaces } from '../src/engine/cluster/incremental.js';
import { scoreClustering } from '../src/engine/cluster/metrics.js';
import { confirm, hide, merge, move, reject, rename, split } from '../src/engine/people/ops.js';
import { nameQueue, nextQuestions, suggestions } from '../src/engine/people/suggest.js';
import { openDb, type Db } from '../src/engine/store/db.js';
import { libsDir, openSet } from './truth-sets.js';

/**
 * [Note: simulated user] The library starts as the app leaves it after one import (assignNewFaces with the method's
 * clustering). The user knows who every labelled face is (the largest face of each photo; other faces have no
 * label and the user leaves them alone) and answers with the app's actions, each counted as one:
 * - a group to name: the name of the person most of its labelled faces show (a person of that name already there:
 *   merge into them), then "Not X" for each labelled face of someone else in it; a group with no labelled face is
 *   hidden;
 * - "Is this X?": yes (confirm) or no (reject).
 * Methods: `default` follows the engine's question order (nextQuestions, re-read after every answer) on the
 * default clustering: what the Name groups page asks with "Most useful questions first" (people.questions, at
 * the default suggestion threshold and quality gate); `density` the same on the density baseline's clustering; `by-size` is a user of the default
 * clustering who names groups largest first (the name queue) and then goes through each named person's
 * suggestions, best first, in the order the people were named, moving on after `patience` no's in a row;
 * `density-by-size` is that user on the density baseline's clustering (the app before nextQuestions).
 * The question-following user stops after `patience` no's in a row too, or when the engine has no question left
 * (it does not ask below suggestOptions.minChance). `default+ft` and `density+ft` then let the app fine-tune the
 * head on the people named so far (ArcFace, the Train page's defaults), re-embed and sort the faces in nobody
 * again (no answer counted), and follow the questions once more. Whatever is still wrong then is fixed
 * directly, the same way for every method (people with 3+ photos first, largest first): name a person (rename
 * their largest group, or split one face off as them), move each missing face in, "Not X" each wrong one; then
 * the people seen once or twice (move a face to its mate, split a pair off together, "Not X" a face that shares a
 * group with someone else). Figures are answers per person with 3+ photos. The folders that hold several people
 * under one name ([Note: mixed identities]) are left unlabelled: the user leaves their faces alone, as they do
 * the background faces, unless --keep-mixed.
 */

interface Run {
  actions: number;
  a?: number;
  b?: number;
  names: number;
  yes: number;
  no: number;
  direct: number;
}

class User {
  readonly run: Run = { actions: 0, names: 0, yes: 0, no: 0, direct: 0 };
  readonly why = new Map<string, number>();
  readonly missing: { id: string; f: number; q: number; inPerson: number; sim: number }[] = [];
  explain = false;
  readonly byIdentity = new Map<string, number[]>();
  readonly big: string[];

  constructor(
    readonly db: Db,
    readonly labelled: Map<number, string>,
  ) {
    for (const [f, id] of labelled) this.byIdentity.set(id, [...(this.byIdentity.get(id) ?? []), f]);
    const bySize = [...this.byIdentity.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
    this.big = bySize.filter(([, fs]) => fs.length >= 3).map(([id]) => id);
    this.check();
  }

  get done(): boolean {
    return this.run.a !== undefined && this.run.b !== undefined;
  }

  personOf(f: number): number {
    return (
      (this.db.prepare('SELECT person_id AS p FROM face_people WHERE face_id = ?').get(f) as { p: number } | undefined)
        ?.p ?? 0
    );
  }

  named(id: string): number {
    return (this.db.prepare('SELECT id FROM people WHERE name = ?').get(id) as { id: number } | undefined)?.id ?? 0;
  }

  nameOf(p: number): string | null {
    return (this.db.prepare('SELECT name FROM people WHERE id = ?').get(p) as { name: string | null }).name;
  }

  facesOf(p: number): number[] {
    return (this.db.prepare('SELECT face_id AS f FROM face_people WHERE person_id = ?').all(p) as { f: number }[]).map(
      (r) => r.f,
    );
  }

  /** One answer: the operation, then the targets. */
  act(kind: 'names' | 'yes' | 'no' | 'direct', op: () => unknown, why: string = kind): void {
    op();
    this.run.actions++;
    this.run[kind]++;
    this.why.set(why, (this.why.get(why) ?? 0) + 1);
    this.check();
  }

  check(): void {
    const person = new Map(
      (this.db.prepare('SELECT face_id AS f, person_id AS p FROM face_people').all() as { f: number; p: number }[]).map(
        (r) => [r.f, r.p],
      ),
    );
    if (this.run.a === undefined) {
      const ok = this.big.every((id) => {
        const x = this.named(id);
        const fs = this.byIdentity.get(id)!;
        return x !== 0 && fs.filter((f) => person.get(f) === x).length >= 0.95 * fs.length;
      });
      if (ok) this.run.a = this.run.actions;
    }
    if (this.run.b === undefined) {
      const ids = [...this.labelled.keys()];
      const truth = new Map<string, number>();
      const t = ids.map((f) => {
        const id = this.labelled.get(f)!;
        if (!truth.has(id)) truth.set(id, truth.size);
        return truth.get(id)!;
      });
      const groups = new Map<number, number>();
      const l = ids.map((f) => {
        const p = person.get(f);
        if (!p) return -1;
        if (!groups.has(p)) groups.set(p, groups.size);
        return groups.get(p)!;
      });
      if (scoreClustering(t, l).bcubedF >= 0.99) this.run.b = this.run.actions;
    }
  }

  /** A group to name (see [Note: simulated user]). */
  nameGroup(g: number): void {
    const counts = new Map<string, number>();
    for (const f of this.facesOf(g)) {
      const id = this.labelled.get(f);
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (counts.size === 0) return this.act('names', () => hide(this.db, g, true));
    const id = [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
    let x = this.named(id);
    if (x) this.act('names', () => merge(this.db, x, [g]));
    else {
      this.act('names', () => rename(this.db, g, id));
      x = g;
    }
    this.notX(x, id);
  }

  /** "Not X" for each labelled face in X that is someone else. */
  notX(x: number, id: string): void {
    for (const f of this.facesOf(x)) {
      if (this.done) return;
      const who = this.labelled.get(f);
      if (who && who !== id) this.act('direct', () => reject(this.db, x, [f]), 'notX');
    }
  }

  /** "Is this X?" about face f: true when the answer was yes. */
  answer(x: number, f: number): boolean {
    const yes = this.labelled.get(f) === this.nameOf(x);
    this.act(yes ? 'yes' : 'no', () => (yes ? confirm(this.db, x, [f]) : reject(this.db, x, [f])));
    return yes;
  }

  /** Everything still wrong, fixed directly (see [Note: simulated user]). */
  fixTheRest(): void {
    for (const id of this.big) {
      if (this.done) return;
      const fs = this.byIdentity.get(id)!;
      let x = this.named(id);
      if (!x) {
        // their largest unnamed group that is mostly them, else one face split off as them
        const count = new Map<number, number>();
        for (const f of fs) {
          const p = this.personOf(f);
          if (p && this.nameOf(p) === null) count.set(p, (count.get(p) ?? 0) + 1);
        }
        const best = [...count.entries()]
          .filter(([p, k]) => 2 * k > this.facesOf(p).filter((f) => this.labelled.has(f)).length)
          .sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
        if (best) {
          x = best[0];
          this.act('direct', () => rename(this.db, x, id), 'name-late');
        } else this.act('direct', () => (x = split(this.db, [fs[0]!], id).id), 'name-late');
      }
      if (this.explain)
        for (const f of fs)
          if (this.personOf(f) !== x) {
            const r = this.db.prepare('SELECT quality FROM faces WHERE id = ?').get(f) as { quality: number };
            const hit = suggestions(this.db, x, 5000, { minSimilarity: -1, minQuality: 0 }).find((c) => c.faceId === f);
            this.missing.push({ id, f, q: r.quality, inPerson: this.personOf(f), sim: hit?.similarity ?? NaN });
          }
      for (const f of fs)
        if (!this.done && this.personOf(f) !== x)
          this.act('direct', () => move(this.db, [f], x), this.personOf(f) ? 'move-from-person' : 'move-from-nobody');
      this.notX(x, id);
    }
    for (const [id, fs] of this.byIdentity) {
      if (this.done || fs.length >= 3) continue;
      const clean = (p: number) => p !== 0 && this.facesOf(p).every((f) => (this.labelled.get(f) ?? id) === id);
      if (fs.length === 1) {
        const p = this.personOf(fs[0]!);
        if (p && !clean(p)) this.act('direct', () => reject(this.db, p, [fs[0]!]));
        continue;
      }
      const [f1, f2] = fs as [number, number];
      const [p1, p2] = [this.personOf(f1), this.personOf(f2)];
      if (p1 && p1 === p2 && clean(p1)) continue;
      if (clean(p1)) this.act('direct', () => move(this.db, [f2], p1));
      else if (clean(p2)) this.act('direct', () => move(this.db, [f1], p2));
      else this.act('direct', () => split(this.db, [f1, f2]));
    }
  }
}

async function followQuestions(u: User, patience: number): Promise<void> {
  let noRun = 0;
  while (!u.done && noRun < patience) {
    const [q] = await nextQuestions(u.db, 1);
    if (!q) break;
    if (q.kind === 'name') {
      u.nameGroup(q.personId);
      continue;
    }
    noRun = u.answer(q.personId, q.faceId) ? 0 : noRun + 1;
  }
}

function bySize(u: User, patience: number): void {
  const order: number[] = [];
  for (;;) {
    const [g] = nameQueue(u.db, 1);
    if (!g || u.done) break;
    u.nameGroup(g.personId);
    const named = u.db.prepare('SELECT id FROM people WHERE name IS NOT NULL ORDER BY id').all() as { id: number }[];
    for (const { id } of named) if (!order.includes(id)) order.push(id);
  }
  for (const x of order) {
    let noRun = 0;
    const seen = new Set<number>();
    while (!u.done && noRun < patience) {
      const s = suggestions(u.db, x, 50).find((c) => !seen.has(c.faceId));
      if (!s) break;
      seen.add(s.faceId);
      noRun = u.answer(x, s.faceId) ? 0 : noRun + 1;
    }
  }
}

async function simulate(
  name: string,
  method: string,
  libs: string,
  patience: number,
  options: Record<string, number>,
  explain: boolean,
  keepMixed: boolean,
) {
  const s = await openSet(name, libs);
  const mixed = keepMixed ? [] : (s.set.mixed ?? []);
  for (const [f, id] of s.labelled) if (mixed.includes(id)) s.labelled.delete(f);
  if (mixed.length)
    console.error(
      `${name}: ${mixed.length} folders of several people under one name left unlabelled (--keep-mixed keeps their labels)`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'facelens-effort-'));
  const copy = join(tmp, 'library.db');
  s.db.prepare('VACUUM INTO ?').run(copy);
  s.db.close();
  const db = openDb(copy);
  try {
    db.exec('DELETE FROM face_people; DELETE FROM face_rejections; DELETE FROM people;');
    assignNewFaces(db, method.startsWith('density') ? { algorithm: 'density' } : { options });
    const start = (db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
    const u = new User(db, s.labelled);
    u.explain = explain;
    const t = performance.now();
    if (method.endsWith('by-size')) bySize(u, patience);
    else await followQuestions(u, patience);
    if (method.endsWith('+ft') && !u.done) {
      // the app fine-tunes the head on the people named so far, re-embeds, and sorts faces in nobody again
      const p = await prepare(
        db,
        { pipeline: () => Promise.reject(new Error('no photos needed')) },
        { holdout: 0.2, seed: 1 },
      );
      const r = await runTraining(db, p, { loss: parseLoss('arcface'), mode: 'finetune' });
      activateHead(db, r.headId!);
      const a = assignNewFaces(db);
      console.error(
        `fine-tuned on ${r.identities} people in ${Math.round(r.seconds)} s; ${a.joined} faces joined people`,
      );
      u.check();
      await followQuestions(u, patience);
    }
    const asked = u.run.actions;
    u.fixTheRest();
    if (explain) {
      console.error(name, method, Object.fromEntries(u.why));
      console.error(
        'fixed by hand',
        u.missing.length,
        'below the quality gate',
        u.missing.filter((m) => m.q < 0.35).length,
      );
      console.error(
        'missing faces (quality, mean cosine to their person, in a person)',
        u.missing.map((m) => `${m.q.toFixed(2)}/${m.sim.toFixed(2)}/${m.inPerson ? 'P' : '-'}`).join(' '),
      );
    }
    return { ...u.run, asked, people: u.big.length, groups: start, s: Math.round((performance.now() - t) / 1000) };
  } finally {
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'celeba-wild,lfw' },
    methods: { type: 'string', default: 'default,density,by-size' },
    libs: { type: 'string' },
    patience: { type: 'string', default: '10' },
    /** Overrides of the default clustering's options (KEY=VALUE), for the methods not named density*. */
    set: { type: 'string', multiple: true, default: [] },
    /** Print what the answers went to, and each face fixed by hand (quality / mean cosine to its person). */
    explain: { type: 'boolean', default: false },
    /** Keep the labels of the folders that hold several people under one name ([Note: mixed identities]). */
    'keep-mixed': { type: 'boolean', default: false },
  },
});
const options = Object.fromEntries(values.set.map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
const libs = libsDir(values.libs);
const patience = Number(values.patience);
console.log(
  'set          | method   | people 3+ | groups at start | (a) answers | per person | (b) answers | per person | names / yes / no / direct | app questions answered | s',
);
for (const name of values.sets.split(',').filter(Boolean))
  for (const method of values.methods.split(',').filter(Boolean)) {
    const r = await simulate(name, method, libs, patience, options, values.explain, values['keep-mixed']);
    const per = (x: number | undefined) => (x === undefined ? '-' : (x / r.people).toFixed(2));
    console.log(
      `${name.padEnd(12)} | ${method.padEnd(8)} | ${String(r.people).padStart(9)} | ${String(r.groups).padStart(15)} | ${String(r.a ?? '-').padStart(11)} | ${per(r.a).padStart(10)} | ${String(r.b ?? '-').padStart(11)} | ${per(r.b).padStart(10)} | ${`${r.names} / ${r.yes} / ${r.no} / ${r.direct}`.padStart(25)} | ${String(r.asked).padStart(22)} | ${r.s}`,
    );
  }
