// Bench (cli): the look-alike measurement: the closest pair of identities in a labelled set, their false-match rate before/after an ArcFace fine-tune, on held-out faces.
// Run: node --import tsx bench/lookalike.ts [--set celebs24|celeba-wild] [--seeds 1,2,3] [--epochs N] [--db PATH]
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { truthLookalikes } from '../src/engine/lookalike/truth.js';
import { histogramText, ratesTable } from '../src/engine/lookalike/text.js';
import { sharedDataDir } from '../src/engine/paths.js';
import { openDb } from '../src/engine/store/db.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'celebs24' },
    seeds: { type: 'string', default: '1' },
    epochs: { type: 'string' },
    holdout: { type: 'string', default: '0.5' },
    db: { type: 'string', default: join(tmpdir(), 'facelens-bench-lookalike.db') },
  },
});
const data = sharedDataDir();
if (!data) {
  console.error('bench/lookalike: needs ../shared/data (real photos)');
  process.exit(2);
}
const aligned = values.set === 'celebs24';
const root = join(data, values.set!);
const db = openDb(values.db!); // features are cached here by content hash: a second run starts at once
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rows: string[][] = [];
for (const seed of values.seeds!.split(',').map(Number)) {
  const t0 = performance.now();
  const r = await truthLookalikes(
    db,
    {
      root,
      aligned,
      pipeline: () => FacePipeline.load({ threads: 2 }),
      releasePipeline: true,
      onFeatures: (d, t, c) => d % 200 === 0 && process.stderr.write(`\rfeatures ${d}/${t} (${c} cached)  `),
    },
    {},
    {
      seed,
      control: true,
      holdout: Number(values.holdout),
      ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
    },
  );
  const wall = (performance.now() - t0) / 1000;
  console.log(`\n== ${values.set}${aligned ? ' (aligned crops)' : ' (whole photos, detected)'}, seed ${seed} ==`);
  console.log('closest identity centres (identity head, training faces only):');
  for (const p of r.closest!.ranking) console.log(`  ${p.cosine.toFixed(4)}  ${p.a} | ${p.b}`);
  console.log(
    `split: holdout ${r.holdout}; A ${r.a.label} ${r.split.train.a} train / ${r.split.test.a} held out; B ${r.b.label} ${r.split.train.b} / ${r.split.test.b}; all ${r.identities} identities ${r.split.train.total} train / ${r.split.test.total} held out`,
  );
  console.log(
    `${r.loss} fine-tune of the identity head, ${r.epochs} epochs on ${r.backend}: ${r.seconds.toFixed(1)} s training, ${wall.toFixed(1)} s in all`,
  );
  for (const [n, h] of [
    ['before', r.before],
    ['after', r.after],
  ] as const)
    console.log(
      `FAR 1e-3 point ${n}: ${h.farPoint ? `${h.farPoint.threshold.toFixed(4)} from ${h.farPoint.pairs} held-out pairs of the other identities` : 'n/a'}`,
    );
  const cols = [
    { title: 'before (identity head)', stats: r.before.stats, farPoint: r.before.farPoint },
    { title: 'after (fine-tuned)', stats: r.after.stats, farPoint: r.after.farPoint },
  ];
  const control = r.control!;
  console.log(
    `control: the same fine-tune without A's and B's faces (FAR 1e-3 point ${control.farPoint ? control.farPoint.threshold.toFixed(4) : 'n/a'})`,
  );
  console.log(
    `\nA vs B, held-out faces only (${r.before.stats.impostor.pairs} A-B pairs, ${r.before.stats.genuine.pairs} genuine pairs):`,
  );
  console.log(
    ratesTable([...cols, { title: 'control (A, B not trained)', stats: control.stats, farPoint: control.farPoint }]),
  );
  console.log(`\n${histogramText(cols)}`);
  console.log(
    `\nall held-out identities (${r.overall.before.pairs} pairs): AUC ${r.overall.before.auc.toFixed(4)} -> ${r.overall.after.auc.toFixed(4)}, TAR@FAR1e-3 ${pct(r.overall.before.tarAtFar1e3)} -> ${pct(r.overall.after.tarAtFar1e3)}`,
  );
  for (const name of ['assignment', 'FAR 1e-3']) {
    const b = r.before.stats.rates.find((x) => x.name === name);
    const a = r.after.stats.rates.find((x) => x.name === name);
    const c = control.stats.rates.find((x) => x.name === name);
    if (b && a)
      rows.push([
        String(seed),
        `${r.a.label} | ${r.b.label}`,
        `${r.split.test.a}+${r.split.test.b}`,
        name,
        `${b.threshold.toFixed(3)} -> ${a.threshold.toFixed(3)}`,
        `${pct(b.pairFmr)} -> ${pct(a.pairFmr)}`,
        c ? `${pct(c.pairFmr)} (${c.threshold.toFixed(3)})` : 'n/a',
        `${pct(b.faceFmr)} -> ${pct(a.faceFmr)}`,
        `${pct(b.pairTar)} -> ${pct(a.pairTar)}`,
      ]);
  }
}
console.log(
  `\nsummary (${values.set}, held-out faces only; machine: ${process.platform} ${process.arch}, Node ${process.version})`,
);
const head = [
  'seed',
  'pair',
  'held out A+B',
  'threshold',
  'value',
  'A-B pair FMR',
  'control FMR (value)',
  'A-B face FMR',
  'genuine pair TAR',
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
db.close();
