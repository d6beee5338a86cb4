// CLI (terminal door): `facelens lookalike` — how well two people are told apart, and a fine-tune of the ArcFace head to separate them.
import { existsSync, statSync } from 'node:fs';
import { CliError, ids, num, parse, progressWriter, withEngine } from '../args.js';
import {
  histogramText,
  ratesTable,
  type LookalikeReport,
  type LookalikeRunOptions,
} from '../../engine/api/lookalike.js';
import { progressPrinter } from './train.js';

const USAGE = `usage: facelens lookalike --a ID --b ID [--head ID] [--train [--epochs N --holdout 0.5 --seed N --loss arcface
                          --blend X --user-only --activate]] [--json] [--db PATH]
       facelens lookalike --truth DIR [--aligned] [--a NAME --b NAME] [--epochs N --holdout 0.5 --seed N] [--json]
  --a --b        two people of the library (ids, see 'facelens people list'), or two folder names with --truth
  --head ID      measure under this stored head instead of the active one (no training)
  --train        fine-tune the active head (ArcFace) on the named people, A and B among them; a share of every
                 person's faces is held out and A-vs-B is measured before/after on held-out faces only. The new
                 head is stored, not activated (add --activate, or 'facelens heads activate ID').
  --user-only    train and measure on the faces the user placed only (the rest of a merged pair may be mixed)
  --truth DIR    a labelled folder (DIR/<person>/<photos>; --aligned for 112x112 crops): every identity trains,
                 A and B are measured on their held-out faces; without --a/--b the closest pair is chosen
                 (most similar identity centres under the identity head, training faces only). Nothing is stored.
  --control      with --truth: also fine-tune without A's and B's faces, to see what naming them apart added
  --json         one object (the report)`;

type Values = Record<string, string | boolean | undefined>;

function runOptions(v: Values, json: boolean): LookalikeRunOptions {
  const o: LookalikeRunOptions = {
    holdout: num(v.holdout, 'holdout', 0.5),
    seed: num(v.seed, 'seed', 1),
    loss: typeof v.loss === 'string' ? v.loss : 'arcface',
  };
  if (v.epochs !== undefined) o.epochs = num(v.epochs, 'epochs', 40);
  if (v.blend !== undefined) o.blend = num(v.blend, 'blend', 0.5);
  if (!json) o.onProgress = progressPrinter('fine-tune');
  return o;
}

function printReport(r: LookalikeReport & { closest?: { ranking: { a: string; b: string; cosine: number }[] } }): void {
  if (r.closest) {
    console.log('closest identity centres (identity head, training faces):');
    for (const p of r.closest.ranking) console.log(`  ${p.cosine.toFixed(4)}  ${p.a} | ${p.b}`);
  }
  console.log(
    `A = ${r.a.label}${r.a.personId ? ` (person ${r.a.personId})` : ''}, B = ${r.b.label}${r.b.personId ? ` (person ${r.b.personId})` : ''}`,
  );
  console.log(
    `split (holdout ${r.holdout}, seed ${r.seed}): A ${r.split.train.a} train / ${r.split.test.a} held out, B ${r.split.train.b} / ${r.split.test.b}; all ${r.identities} identities ${r.split.train.total} / ${r.split.test.total}`,
  );
  console.log(
    `${r.loss} fine-tune from head ${r.startHeadId}, ${r.epochs} epochs on ${r.backend} in ${r.seconds.toFixed(1)} s${r.cancelled ? ' (CANCELLED)' : ''}; new head ${r.headId ?? '(not stored)'}`,
  );
  const fp = (x: LookalikeReport['before']) =>
    x.farPoint
      ? `threshold ${x.farPoint.threshold.toFixed(3)} from ${x.farPoint.pairs} held-out pairs of other people`
      : 'too few other people to calibrate';
  console.log(
    `FAR ${((r.before.farPoint ?? r.after.farPoint)?.far ?? 1e-3).toExponential(0)} point: before ${fp(r.before)}; after ${fp(r.after)}`,
  );
  console.log(
    `\nA vs B on held-out faces (${r.before.stats.impostor.pairs} A-B pairs, ${r.before.stats.genuine.pairs} genuine pairs):`,
  );
  const cols = [
    { title: 'before', stats: r.before.stats, farPoint: r.before.farPoint },
    { title: 'after', stats: r.after.stats, farPoint: r.after.farPoint },
  ];
  const control = (r as { control?: LookalikeReport['before'] }).control;
  console.log(
    ratesTable(
      control
        ? [...cols, { title: 'control (A, B not trained)', stats: control.stats, farPoint: control.farPoint }]
        : cols,
    ),
  );
  console.log(`\n${histogramText(cols)}`);
  console.log(
    `\nall held-out identities (${r.overall.before.pairs} pairs): AUC ${r.overall.before.auc.toFixed(4)} -> ${r.overall.after.auc.toFixed(4)}, TAR@FAR1e-3 ${r.overall.before.tarAtFar1e3.toFixed(4)} -> ${r.overall.after.tarAtFar1e3.toFixed(4)}`,
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      a: { type: 'string' },
      b: { type: 'string' },
      head: { type: 'string' },
      train: { type: 'boolean', default: false },
      truth: { type: 'string' },
      aligned: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      holdout: { type: 'string' },
      seed: { type: 'string' },
      loss: { type: 'string' },
      blend: { type: 'string' },
      'user-only': { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      activate: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const v = values as Values;
  const json = values.json === true;
  if (values.truth !== undefined) {
    const root = values.truth;
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`--truth ${root} is not a folder`);
    return withEngine(values, async (engine) => {
      const write = progressWriter();
      const r = await engine.lookalike.truth(
        {
          root,
          aligned: values.aligned === true,
          ...(json
            ? {}
            : {
                onFeatures: (done: number, total: number, cached: number) =>
                  write(`features: ${done}/${total} (${cached} cached)`, done === total),
              }),
        },
        { ...(values.a !== undefined ? { a: values.a } : {}), ...(values.b !== undefined ? { b: values.b } : {}) },
        { ...runOptions(v, json), control: values.control === true },
      );
      if (json) console.log(JSON.stringify(r));
      else printReport(r);
      return 0;
    });
  }
  if (values.a === undefined || values.b === undefined) throw new CliError(`--a and --b are required\n${USAGE}`);
  const [a, b] = ids([values.a, values.b], 'person id');
  return withEngine(values, async (engine) => {
    if (!values.train) {
      const s = engine.lookalike.separation({
        a: a!,
        b: b!,
        ...(values.head !== undefined ? { headId: ids([values.head], 'head id')[0]! } : {}),
      });
      if (json) {
        console.log(JSON.stringify(s));
        return 0;
      }
      console.log(
        `A = ${s.a.name ?? `person ${s.a.id}`} (${s.a.faces} faces), B = ${s.b.name ?? `person ${s.b.id}`} (${s.b.faces} faces), head ${s.headId}`,
      );
      console.log(
        s.farPoint
          ? `FAR ${s.farPoint.far.toExponential(0)} threshold ${s.farPoint.threshold.toFixed(3)} from ${s.farPoint.pairs} pairs of other named people`
          : 'FAR point: too few other named people to calibrate',
      );
      const cols = [{ title: `head ${s.headId}`, stats: s.stats, farPoint: s.farPoint }];
      console.log(ratesTable(cols));
      console.log(`\n${histogramText(cols)}`);
      return 0;
    }
    const r = await engine.lookalike.run(a!, b!, {
      ...runOptions(v, json),
      userOnly: values['user-only'] === true,
      activate: values.activate === true,
    });
    if (json) console.log(JSON.stringify(r));
    else {
      printReport(r);
      if (r.headId !== null)
        console.log(
          values.activate ? `head ${r.headId} is now active` : `activate it with: facelens heads activate ${r.headId}`,
        );
    }
    return 0;
  });
}
