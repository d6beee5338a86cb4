// CLI (terminal door): `facelens verify` — face verification accuracy on an LFW pairs.txt or a file_x,file_y,same CSV.
import { existsSync, statSync } from 'node:fs';
import { CliError, num, parse } from '../args.js';
import { loadPairs, PairsError } from '../../engine/verify/pairs.js';
import { runVerification } from '../../engine/verify/run.js';
import { FacePipeline } from '../../engine/vision/pipeline.js';

const USAGE = `usage: facelens verify --pairs FILE --root DIR [--aligned] [--flip] [--json] [--threads N]
  --pairs FILE   LFW pairs.txt (k folds from its header) or a CSV file_x,file_y,same (10-fold CV)
  --root DIR     folder the pair paths are relative to
  --aligned      the images are already 112x112 ArcFace-aligned crops (no detection)
  --flip         feature of face + mirrored face
  --json         one JSON object: accuracy, std, auc, eer, tarAtFar1e2, tarAtFar1e3, threshold, pairs, failures
  --threads N    inference threads (default 2)`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      pairs: { type: 'string' },
      root: { type: 'string' },
      aligned: { type: 'boolean', default: false },
      flip: { type: 'boolean', default: false },
      threads: { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (typeof values.pairs !== 'string' || typeof values.root !== 'string')
    throw new CliError(`--pairs and --root are required\n${USAGE}`);
  if (!existsSync(values.root) || !statSync(values.root).isDirectory())
    throw new CliError(`--root ${values.root} is not a folder`);
  let set;
  try {
    set = loadPairs(values.pairs);
  } catch (err) {
    if (err instanceof PairsError) throw new CliError(`${values.pairs}: ${err.message}`);
    throw err;
  }
  const threads = num(values.threads, 'threads', 2);
  const pipeline = await FacePipeline.load({ threads });
  const started = Date.now();
  let last = 0;
  try {
    const r = await runVerification(pipeline, set, {
      root: values.root,
      aligned: values.aligned === true,
      flip: values.flip === true,
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - last < 1000 && done < total) return;
        last = now;
        const rate = done / Math.max(0.001, (now - started) / 1000);
        const eta = Math.round((total - done) / Math.max(rate, 1e-9));
        process.stderr.write(
          `\rverify: ${done}/${total} images, ${rate.toFixed(1)}/s, ETA ${eta}s   ${done === total ? '\n' : ''}`,
        );
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
      console.log(`pairs       ${r.pairs} (${set.folds} folds, ${r.images} images, ${r.failures} failed)`);
      console.log(`accuracy    ${pct(r.accuracy)} ± ${pct(r.std)}`);
      console.log(`AUC         ${r.auc.toFixed(4)}`);
      console.log(`EER         ${pct(r.eer)}`);
      console.log(`TAR@FAR1e-2 ${pct(r.tarAtFar1e2)}`);
      console.log(`TAR@FAR1e-3 ${pct(r.tarAtFar1e3)}`);
      console.log(`threshold   ${r.threshold.toFixed(4)} (cosine)`);
      console.log(`time        ${(r.ms / 1000).toFixed(1)} s on ${pipeline.provider}`);
    }
    return 0;
  } finally {
    await pipeline.dispose();
  }
}
