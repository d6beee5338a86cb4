// CLI (terminal door): `facelens verify` — face verification accuracy on an LFW pairs.txt or a file_x,file_y,same CSV.
import { existsSync, statSync } from 'node:fs';
import { CliError, ids, num, parse, progressWriter, withEngine } from '../args.js';

const USAGE = `usage: facelens verify --pairs FILE --root DIR [--aligned] [--flip] [--json] [--db PATH]
       facelens verify --people [--heads ID,...] [--max-pairs N] [--json] [--db PATH]
  --people       the Verify page's figures on your own named people: AUC, EER, TAR@FAR for each head
                 (default: the identity head, the active one and the three newest)
  --pairs FILE   LFW pairs.txt (k folds from its header) or a CSV file_x,file_y,same (10-fold CV)
  --root DIR     folder the pair paths are relative to
  --aligned      the images are already 112x112 ArcFace-aligned crops (no detection)
  --flip         feature of face + mirrored face
  --json         one JSON object: accuracy, std, auc, eer, tarAtFar1e2, tarAtFar1e3, threshold, pairs, failures
  Features are cached in the library by image content: a second run decodes nothing.`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      pairs: { type: 'string' },
      root: { type: 'string' },
      aligned: { type: 'boolean', default: false },
      flip: { type: 'boolean', default: false },
      people: { type: 'boolean', default: false },
      heads: { type: 'string' },
      'max-pairs': { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.people) {
    const headIds = values.heads === undefined ? undefined : ids(values.heads.split(','), 'head id');
    const maxPairs = num(values['max-pairs'], 'max-pairs', 6000);
    return withEngine(values, async (engine) => {
      const evals = await engine.verify.evaluate({
        source: { kind: 'people' },
        maxPairs,
        ...(headIds ? { headIds } : {}),
      });
      if (values.json) {
        console.log(JSON.stringify(evals.map(({ genuine: _g, impostor: _i, roc: _r, ...figures }) => figures)));
        return 0;
      }
      console.log('head  pairs   AUC     EER     TAR@FAR1e-2  TAR@FAR1e-3  accuracy  threshold  name');
      for (const e of evals)
        console.log(
          `${String(e.headId).padStart(4)}  ${String(e.pairs).padStart(5)}  ${e.auc.toFixed(4)}  ${pct(e.eer).padStart(6)}  ${pct(e.tarAtFar1e2).padStart(11)}  ${pct(e.tarAtFar1e3).padStart(11)}  ${pct(e.accuracy).padStart(8)}  ${e.threshold.toFixed(4).padStart(9)}  ${e.headName}`,
        );
      return 0;
    });
  }
  if (typeof values.pairs !== 'string' || typeof values.root !== 'string')
    throw new CliError(`--pairs and --root are required\n${USAGE}`);
  if (!existsSync(values.root) || !statSync(values.root).isDirectory())
    throw new CliError(`--root ${values.root} is not a folder`);
  const root = values.root;
  const pairsFile = values.pairs;
  return withEngine(values, async (engine) => {
    const started = Date.now();
    const write = progressWriter();
    const r = await engine.verify.pairs(pairsFile, {
      root,
      aligned: values.aligned === true,
      flip: values.flip === true,
      onProgress: (done, total) => {
        const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
        const eta = Math.round((total - done) / Math.max(rate, 1e-9));
        write(`verify: ${done}/${total} images, ${rate.toFixed(1)}/s, ETA ${eta}s`, done === total);
      },
    });
    for (const f of r.failed.slice(0, 20)) process.stderr.write(`verify: ${f.file}: ${f.reason}\n`);
    if (r.failed.length > 20) process.stderr.write(`verify: ... and ${r.failed.length - 20} more failures\n`);
    const figures = {
      accuracy: r.accuracy,
      std: r.std,
      auc: r.auc,
      eer: r.eer,
      tarAtFar1e2: r.tarAtFar1e2,
      tarAtFar1e3: r.tarAtFar1e3,
      threshold: r.threshold,
      pairs: r.pairs,
      failures: r.failures,
    };
    if (values.json) console.log(JSON.stringify(figures));
    else {
      console.log(`pairs       ${r.pairs} (${r.folds} folds, ${r.images} images, ${r.failures} failed)`);
      console.log(`accuracy    ${pct(r.accuracy)} ± ${pct(r.std)}`);
      console.log(`AUC         ${r.auc.toFixed(4)}`);
      console.log(`EER         ${pct(r.eer)}`);
      console.log(`TAR@FAR1e-2 ${pct(r.tarAtFar1e2)}`);
      console.log(`TAR@FAR1e-3 ${pct(r.tarAtFar1e3)}`);
      console.log(`threshold   ${r.threshold.toFixed(4)} (cosine)`);
      console.log(`time        ${(r.ms / 1000).toFixed(1)} s on ${r.provider}`);
    }
    return 0;
  });
}
