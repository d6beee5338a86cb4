// CLI (terminal door): `facelens lab` — the loss lab: each margin loss trained on one split, one table in the seed's shape.
import { CliError, num, parse, withEngine } from '../args.js';
import { labText, parseLoss, SEED_LOSSES, type BackendName } from '../../engine/api/train.js';
import { configOverrides, lossOverrides, prepareFrom, progressPrinter, TRAIN_OPTIONS } from './train.js';

const USAGE = `usage: facelens lab --labels DIR [--aligned] [--losses a,b,...] [--unseen-pairs FILE --unseen-root DIR] [--json]
  --losses LIST          default: the seed's table (${SEED_LOSSES.join(',')})
  --from-scratch         train each head from a random init instead of fine-tuning the active head
  --embedding-dim 2|3    train tiny heads whose held-out features can be drawn (the seed's picture); prints JSON points
  --identities N         use the first N identities (the seed's picture uses 8)
  --curves               print the target logit against θ for each loss (the seed's figure) as JSON and exit
  plus train's options: --holdout --seed --epochs --lr --blend --s --m1 --m2 --m3 --backend --db`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...TRAIN_OPTIONS,
      losses: { type: 'string', default: SEED_LOSSES.join(',') },
      'embedding-dim': { type: 'string' },
      identities: { type: 'string' },
      curves: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const v = values as Record<string, string | boolean | undefined>;
  const losses = String(values.losses)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const l of losses) {
    try {
      parseLoss(l, lossOverrides(v));
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  const dim = values['embedding-dim'] === undefined ? undefined : num(values['embedding-dim'], 'embedding-dim', NaN);
  if (dim !== undefined && dim !== 2 && dim !== 3) throw new CliError(`--embedding-dim must be 2 or 3, got ${dim}`);
  return withEngine(values, async (engine) => {
    if (values.curves) {
      console.log(
        JSON.stringify(engine.train.curves({ curves: losses.map((loss) => ({ loss, margins: lossOverrides(v) })) })),
      );
      return 0;
    }
    const p = await prepareFrom(engine, v, values.json === true);
    const keep = values.identities === undefined ? undefined : num(values.identities, 'identities', NaN);
    if (keep !== undefined) {
      if (!(Number.isInteger(keep) && keep >= 2))
        throw new CliError(`--identities must be an integer >= 2, got ${keep}`);
      p.dataset.identities = p.dataset.identities.slice(0, keep);
      p.train = p.train.filter((i) => p.dataset.labels[i]! < keep);
      p.test = p.test.filter((i) => p.dataset.labels[i]! < keep);
    }
    const printers = new Map<string, ReturnType<typeof progressPrinter>>();
    const printer = (loss: string) =>
      printers.get(loss) ?? printers.set(loss, progressPrinter(`lab ${loss}`)).get(loss)!;
    const common = {
      config: configOverrides(v),
      overrides: lossOverrides(v),
      ...(typeof values.backend === 'string' ? { backend: values.backend as BackendName } : {}),
      ...(values.json
        ? {}
        : { onProgress: (loss: string, pr: Parameters<ReturnType<typeof progressPrinter>>[0]) => printer(loss)(pr) }),
    };
    if (dim !== undefined) {
      const sets = await engine.train.tiny(p, losses, dim as 2 | 3, common);
      console.log(JSON.stringify(sets));
      return 0;
    }
    const blend = values.blend === undefined ? undefined : num(values.blend, 'blend', NaN);
    const r = await engine.train.lab(p, {
      ...common,
      losses,
      mode: values['from-scratch'] ? 'train' : 'finetune',
      ...(blend !== undefined ? { blend } : {}),
      ...(values.json
        ? {}
        : { onRow: (row) => process.stderr.write(`\nlab: ${row.loss} done in ${row.seconds.toFixed(1)} s\n`) }),
    });
    if (values.json) console.log(JSON.stringify({ backend: r.backend, start: r.start, rows: r.rows }));
    else {
      console.log(
        `loss lab on ${p.dataset.identities.length} identities (${p.train.length} training faces, ${p.test.length} held out), backend ${r.backend}`,
      );
      console.log(labText(r));
    }
    return 0;
  });
}
