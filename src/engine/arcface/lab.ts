// Engine (arcface): the loss lab: every loss trained on one split, one table in the seed's shape, and the seed's figures' data.
import type { Db } from '../store/db.js';
import type { BackendName } from '../compute/backend.js';
import { embedAll } from './evaluate.js';
import { parseLoss, type LossOverrides } from './loss-spec.js';
import { runTraining, type Prepared, type RunOptions } from './run.js';
import type { Progress, TrainConfig } from './trainer.js';

export interface LabRow {
  loss: string;
  /** Held-out pairs of the trained identities: k-fold verification accuracy and TAR at FAR 1e-3. */
  heldOutAccuracy: number;
  tarAtFar1e3: number;
  /** Pairs file of other identities (e.g. LFW), when given. */
  unseenAccuracy?: number;
  seconds: number;
  finalLoss: number;
}

export interface LabResult {
  backend: BackendName;
  start: LabRow;
  rows: LabRow[];
}

export interface LabOptions {
  losses: readonly string[];
  overrides?: LossOverrides;
  mode?: RunOptions['mode'];
  config?: Partial<TrainConfig>;
  blend?: number;
  backend?: BackendName;
  onProgress?: (loss: string, p: Progress) => void;
  onRow?: (row: LabRow) => void;
  signal?: AbortSignal;
}

/** Trains one head per loss on the same split (nothing is stored) and returns the seed-shaped table. */
export async function runLab(db: Db, p: Prepared, o: LabOptions): Promise<LabResult> {
  const specs = o.losses.map((l) => parseLoss(l, o.overrides));
  const rows: LabRow[] = [];
  let start: LabRow | undefined;
  let backend: BackendName = 'wasm';
  for (const loss of specs) {
    if (o.signal?.aborted) break;
    const r = await runTraining(db, p, {
      loss,
      mode: o.mode ?? 'finetune',
      store: false,
      ...(o.config ? { config: o.config } : {}),
      ...(o.blend !== undefined ? { blend: o.blend } : {}),
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: (pr: Progress) => o.onProgress!(loss.name, pr) } : {}),
    });
    backend = r.backend;
    start ??= {
      loss: `active head ${r.startId} (before)`,
      heldOutAccuracy: r.before.accuracy,
      tarAtFar1e3: r.before.tarAtFar1e3,
      ...(r.unseenBefore ? { unseenAccuracy: r.unseenBefore.accuracy } : {}),
      seconds: 0,
      finalLoss: NaN,
    };
    const row: LabRow = {
      loss: loss.name,
      heldOutAccuracy: r.after.accuracy,
      tarAtFar1e3: r.after.tarAtFar1e3,
      ...(r.unseenAfter ? { unseenAccuracy: r.unseenAfter.accuracy } : {}),
      seconds: r.seconds,
      finalLoss: r.curve.at(-1)?.loss ?? NaN,
    };
    rows.push(row);
    o.onRow?.(row);
  }
  if (!start) throw new Error('the lab ran no loss');
  return { backend, start, rows };
}

/** The lab table as text: rows are losses, columns held-out accuracy, TAR@FAR=1e-3 and unseen accuracy (percent). */
export function labTable(r: LabResult, unseenName = 'unseen'): string {
  const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : (100 * x).toFixed(2));
  const head = `${'loss'.padEnd(22)} ${'held-out acc'.padStart(12)} ${'TAR@FAR1e-3'.padStart(12)} ${`${unseenName} acc`.padStart(12)}`;
  const line = (x: LabRow) =>
    `${x.loss.padEnd(22)} ${pct(x.heldOutAccuracy).padStart(12)} ${pct(x.tarAtFar1e3).padStart(12)} ${pct(x.unseenAccuracy).padStart(12)}`;
  return [head, '-'.repeat(head.length), line(r.start), ...r.rows.map(line)].join('\n');
}

export interface TinyEmbedding {
  loss: string;
  dim: number;
  identities: string[];
  /** Held-out faces' unit embeddings (dim values each) with their identity index: points to draw on a circle/sphere. */
  points: { x: number[]; label: number }[];
  /** The class centres (unit, dim values each) are the directions the loss pulled each identity towards. */
  heldOutAccuracy: number;
}

/**
 * The seed's 8-identity picture: a head trained from scratch to a 2-D or 3-D embedding (features on a circle or
 * a sphere), returned as points the UI can draw, one set per loss.
 */
export async function tinyEmbeddings(
  db: Db,
  p: Prepared,
  losses: readonly string[],
  dim: 2 | 3,
  o: Omit<LabOptions, 'losses'> = {},
): Promise<TinyEmbedding[]> {
  const out: TinyEmbedding[] = [];
  for (const name of losses) {
    const loss = parseLoss(name, o.overrides);
    const r = await runTraining(db, p, {
      loss,
      mode: 'train',
      embeddingDim: dim,
      store: false,
      ...(o.config ? { config: o.config } : {}),
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.onProgress ? { onProgress: (pr: Progress) => o.onProgress!(loss.name, pr) } : {}),
    });
    const emb = embedAll(
      r.weights,
      p.test.map((i) => p.dataset.features[i]!),
    );
    out.push({
      loss: loss.name,
      dim,
      identities: p.dataset.identities,
      heldOutAccuracy: r.after.accuracy,
      points: emb.map((e, k) => ({
        x: Array.from(e, (v) => Math.round(v * 1e4) / 1e4),
        label: p.dataset.labels[p.test[k]!]!,
      })),
    });
  }
  return out;
}
