// CLI (terminal door): `facelens train` — train or fine-tune an ArcFace head on labelled photos or named people, before/after.
import { existsSync, statSync } from 'node:fs';
import { CliError, num, parse, progressWriter, withEngine } from '../args.js';
import type { Engine } from '../../engine/api/engine.js';
import {
  LOSS_NAMES,
  parseLoss,
  type BackendName,
  type LossOverrides,
  type LossSpec,
  type Prepared,
  type RunReport,
  type TrainConfig,
  type Verification,
} from '../../engine/api/train.js';

const USAGE = `usage: facelens train [--labels DIR [--aligned]] [--loss NAME] [--s 64 --m1 1 --m2 0.5 --m3 0] [--epochs N]
                      [--holdout 0.5] [--seed N] [--unseen-pairs FILE --unseen-root DIR] [--json] [--db PATH]
  --labels DIR       one folder per person (DIR/<person>/<photos>); without it: the people named in the library
  --aligned          the photos are 112x112 ArcFace-aligned crops (no detection)
  --loss NAME        ${LOSS_NAMES.join('|')}, plus extra terms: arcface+intra+inter, arcface+triplet, ns+intra, ...
  --s --m1 --m2 --m3 scale and margins of the target logit s·(cos(m1·θ + m2) − m3); --m (A-Softmax), --triplet-margin
  --from-scratch     train a new head from a random init (default: fine-tune the active head)
  --epochs N --lr X --batch N --weight-decay X   optimiser (SGD momentum 0.9, LR ÷10 at 62.5% and 87.5%)
  --blend X          after fine-tuning, blend the weights towards the start head (default 0.5; 1 = the tuned head)
  --holdout X        share of each identity's faces held out for evaluation (default 0.5); --seed N
  --unseen-pairs FILE --unseen-root DIR   also verify on a pairs file of other identities (LFW pairs.txt or CSV)
  --activate         make the new head active (re-embeds every face, rebuilds the index)
  --backend NAME     tensorflow-gpu|tensorflow|wasm|cpu (default: the fastest available)
  --json             one object: before, after, unseenBefore, unseenAfter, headId, backend`;

export const TRAIN_OPTIONS = {
  labels: { type: 'string' },
  aligned: { type: 'boolean', default: false },
  s: { type: 'string' },
  m1: { type: 'string' },
  m2: { type: 'string' },
  m3: { type: 'string' },
  m: { type: 'string' },
  'triplet-margin': { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  'weight-decay': { type: 'string' },
  blend: { type: 'string' },
  holdout: { type: 'string' },
  seed: { type: 'string' },
  'unseen-pairs': { type: 'string' },
  'unseen-root': { type: 'string' },
  'unseen-aligned': { type: 'boolean', default: false },
  'from-scratch': { type: 'boolean', default: false },
  backend: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

const opt = (v: Values, name: string): number | undefined =>
  v[name] === undefined ? undefined : num(v[name], name, NaN);

export function lossOverrides(v: Values): LossOverrides {
  const o: LossOverrides = {};
  for (const k of ['s', 'm1', 'm2', 'm3', 'm'] as const) {
    const x = opt(v, k);
    if (x !== undefined) o[k] = x;
  }
  const t = opt(v, 'triplet-margin');
  if (t !== undefined) o.tripletMargin = t;
  return o;
}

export function lossOf(name: string, v: Values): LossSpec {
  try {
    return parseLoss(name, lossOverrides(v));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function configOverrides(v: Values): Partial<TrainConfig> {
  const c: Partial<TrainConfig> = {};
  const e = opt(v, 'epochs');
  if (e !== undefined) c.epochs = e;
  const lr = opt(v, 'lr');
  if (lr !== undefined) c.lr = lr;
  const b = opt(v, 'batch');
  if (b !== undefined) c.batchSize = b;
  const wd = opt(v, 'weight-decay');
  if (wd !== undefined) c.weightDecay = wd;
  return c;
}

/** Features, split and unseen pairs, with progress on stderr. */
export async function prepareFrom(engine: Engine, v: Values, json: boolean): Promise<Prepared> {
  const labels = typeof v.labels === 'string' ? v.labels : undefined;
  if (labels && (!existsSync(labels) || !statSync(labels).isDirectory()))
    throw new CliError(`--labels ${labels} is not a folder`);
  const pairs = v['unseen-pairs'];
  const root = v['unseen-root'];
  if ((typeof pairs === 'string') !== (typeof root === 'string'))
    throw new CliError('--unseen-pairs and --unseen-root go together');
  if (typeof root === 'string' && (!existsSync(root) || !statSync(root).isDirectory()))
    throw new CliError(`--unseen-root ${root} is not a folder`);
  const write = progressWriter();
  return engine.train.prepare({
    ...(labels ? { labels } : {}),
    aligned: v.aligned === true,
    holdout: num(v.holdout, 'holdout', 0.5),
    seed: num(v.seed, 'seed', 1),
    ...(typeof pairs === 'string' && typeof root === 'string'
      ? { unseen: { pairs, root, aligned: v['unseen-aligned'] === true } }
      : {}),
    ...(json
      ? {}
      : {
          onFeatures: (done, total, cached) => write(`features: ${done}/${total} (${cached} cached)`, done === total),
        }),
  });
}

/** A progress line on stderr, at most every half second. */
export function progressPrinter(
  label: string,
): (p: {
  step: number;
  totalSteps: number;
  loss: number;
  accuracy: number;
  lr: number;
  samplesPerSec: number;
}) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 500 && p.step < p.totalSteps) return;
    last = now;
    process.stderr.write(
      `\r${label}: step ${p.step}/${p.totalSteps}  loss ${p.loss.toFixed(4)}  acc ${(100 * p.accuracy).toFixed(1)}%  lr ${p.lr.toExponential(1)}  ${Math.round(p.samplesPerSec)} samples/s   ${p.step === p.totalSteps ? '\n' : ''}`,
    );
  };
}

const KEYS = ['auc', 'eer', 'accuracy', 'tarAtFar1e2', 'tarAtFar1e3'] as const;
export const brief = (v: Verification) =>
  Object.fromEntries(KEYS.map((k) => [k, v[k]])) as Pick<Verification, (typeof KEYS)[number]>;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function printReport(r: RunReport, p: Prepared): void {
  const line = (name: string, a: number, b: number, f: (x: number) => string) =>
    `  ${name.padEnd(12)} ${f(a).padStart(9)} ${f(b).padStart(9)}`;
  console.log(
    `head ${r.headId ?? '(not stored)'}: ${r.loss} ${r.mode === 'finetune' ? `fine-tuned from head ${r.parentId}` : 'trained from scratch'} on ${r.backend}`,
  );
  console.log(
    `data: ${r.identities} identities, ${r.trainFaces} training faces, ${r.testFaces} held out (holdout ${p.holdout}, seed ${p.seed}); ${p.dataset.failures.length} skipped`,
  );
  console.log(
    `training: ${r.curve.length} steps in ${r.seconds.toFixed(1)} s (${Math.round(r.samplesPerSec)} samples/s), final loss ${r.curve.at(-1)?.loss.toFixed(4)}, blend ${r.blend}${r.cancelled ? ' (CANCELLED)' : ''}`,
  );
  console.log(`held-out pairs (${r.before.pairs}):       before     after`);
  console.log(line('AUC', r.before.auc, r.after.auc, (x) => x.toFixed(4)));
  console.log(line('EER', r.before.eer, r.after.eer, pct));
  console.log(line('accuracy', r.before.accuracy, r.after.accuracy, pct));
  console.log(line('TAR@FAR1e-2', r.before.tarAtFar1e2, r.after.tarAtFar1e2, pct));
  console.log(line('TAR@FAR1e-3', r.before.tarAtFar1e3, r.after.tarAtFar1e3, pct));
  if (r.unseenBefore && r.unseenAfter) {
    console.log(
      `unseen pairs ${p.unseen!.file} (${r.unseenBefore.pairs} pairs, ${p.unseen!.failures} images without a face):`,
    );
    console.log(line('accuracy', r.unseenBefore.accuracy, r.unseenAfter.accuracy, pct));
    console.log(line('TAR@FAR1e-3', r.unseenBefore.tarAtFar1e3, r.unseenAfter.tarAtFar1e3, pct));
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { ...TRAIN_OPTIONS, loss: { type: 'string', default: 'arcface' }, activate: { type: 'boolean', default: false } },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const v = values as Values;
  const loss = lossOf(String(values.loss), v);
  return withEngine(values, async (engine) => {
    const p = await prepareFrom(engine, v, values.json === true);
    for (const f of p.dataset.failures.slice(0, 10)) process.stderr.write(`train: skipped ${f.file}: ${f.reason}\n`);
    if (p.dataset.failures.length > 10)
      process.stderr.write(`train: ... and ${p.dataset.failures.length - 10} more skipped\n`);
    const ac = new AbortController();
    const onSigint = () => {
      process.stderr.write('\ntrain: cancelling (the head is not stored)...\n');
      ac.abort();
    };
    process.once('SIGINT', onSigint);
    const blend = opt(v, 'blend');
    const t0 = performance.now();
    const { report: r, activated } = await engine.train
      .run(p, {
        loss,
        mode: values['from-scratch'] ? 'train' : 'finetune',
        config: configOverrides(v),
        ...(blend !== undefined ? { blend } : {}),
        ...(typeof values.backend === 'string' ? { backend: values.backend as BackendName } : {}),
        signal: ac.signal,
        activate: values.activate === true,
        ...(values.json ? {} : { onProgress: progressPrinter('train') }),
      })
      .finally(() => process.off('SIGINT', onSigint));
    if (r.cancelled) {
      process.stderr.write('train: cancelled\n');
      return 130;
    }
    if (values.json) {
      console.log(
        JSON.stringify({
          headId: r.headId ?? null,
          backend: r.backend,
          loss: r.loss,
          before: brief(r.before),
          after: brief(r.after),
          ...(r.unseenBefore && r.unseenAfter
            ? { unseenBefore: brief(r.unseenBefore), unseenAfter: brief(r.unseenAfter) }
            : {}),
          identities: r.identities,
          trainFaces: r.trainFaces,
          testFaces: r.testFaces,
          seconds: r.seconds,
          samplesPerSec: r.samplesPerSec,
          ...(activated ? { activated: activated.reembedded } : {}),
        }),
      );
    } else {
      printReport(r, p);
      if (activated)
        console.log(
          `activated head ${r.headId}: ${activated.reembedded} faces re-embedded, index rebuilt (${((performance.now() - t0) / 1000).toFixed(1)} s in all)`,
        );
      else if (r.headId !== undefined) console.log(`make it active with: facelens heads activate ${r.headId}`);
    }
    return 0;
  });
}
