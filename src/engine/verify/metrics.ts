// Engine (verify): pure verification metrics over pair scores — ROC, AUC, EER, TAR at FAR, best threshold, k-fold accuracy.
// Convention: a pair is declared "same person" when its score >= threshold (higher score = more alike).

export interface RocPoint {
  /** Accept pairs scoring >= threshold. */
  threshold: number;
  /** False accept rate: share of different-person pairs accepted. */
  far: number;
  /** True accept rate: share of same-person pairs accepted. */
  tar: number;
}

function check(scores: readonly number[], same: readonly boolean[]) {
  if (scores.length !== same.length)
    throw new Error(`scores (${scores.length}) and labels (${same.length}) differ in length`);
  if (scores.some((s) => Number.isNaN(s))) throw new Error('a score is NaN');
}

function counts(same: readonly boolean[]) {
  let pos = 0;
  for (const s of same) if (s) pos++;
  return { pos, neg: same.length - pos };
}

/**
 * The ROC curve from (far 0, tar 0) at threshold +Infinity down to (1, 1), one point per distinct score
 * (tied scores move together: a threshold cannot split them).
 */
export function roc(scores: readonly number[], same: readonly boolean[]): RocPoint[] {
  check(scores, same);
  const { pos, neg } = counts(same);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pts: RocPoint[] = [{ threshold: Infinity, far: 0, tar: 0 }];
  let tp = 0, fp = 0; // prettier-ignore
  for (let k = 0; k < order.length;) {
    const t = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === t) {
      if (same[order[k]!]) tp++;
      else fp++;
      k++;
    }
    pts.push({ threshold: t, far: neg ? fp / neg : 0, tar: pos ? tp / pos : 0 });
  }
  return pts;
}

/** Area under the ROC curve (trapezoids; ties count one half, as the Mann-Whitney statistic). */
export function auc(scores: readonly number[], same: readonly boolean[]): number {
  const pts = roc(scores, same);
  let area = 0;
  for (let i = 1; i < pts.length; i++) area += ((pts[i]!.far - pts[i - 1]!.far) * (pts[i]!.tar + pts[i - 1]!.tar)) / 2;
  return area;
}

/** Equal error rate: where FAR equals FRR (1 - TAR), linearly interpolated along the ROC. */
export function eer(scores: readonly number[], same: readonly boolean[]): number {
  const pts = roc(scores, same);
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!, b = pts[i]!; // prettier-ignore
    const da = a.far - (1 - a.tar), db = b.far - (1 - b.tar); // prettier-ignore
    if (da <= 0 && db >= 0) {
      const f = db === da ? 0 : -da / (db - da);
      return a.far + f * (b.far - a.far);
    }
  }
  return 1;
}

/** Highest TAR whose FAR stays <= `far` (thresholds restricted to observed scores; 0 when none qualifies). */
export function tarAtFar(scores: readonly number[], same: readonly boolean[], far: number): number {
  let best = 0;
  for (const p of roc(scores, same)) if (p.far <= far + 1e-12 && p.tar > best) best = p.tar;
  return best;
}

export function accuracyAt(scores: readonly number[], same: readonly boolean[], threshold: number): number {
  check(scores, same);
  if (scores.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= threshold === same[i]) right++;
  return right / scores.length;
}

/**
 * The threshold with the best accuracy on these pairs; it sits halfway between two neighbouring distinct scores
 * (so it generalises no better or worse towards either side). Ties between thresholds go to the lowest.
 */
export function bestThreshold(
  scores: readonly number[],
  same: readonly boolean[],
): { threshold: number; accuracy: number } {
  check(scores, same);
  const { pos, neg } = counts(same);
  const n = pos + neg;
  if (n === 0) return { threshold: 0, accuracy: 0 };
  const pts = roc(scores, same); // descending thresholds
  let best = { threshold: Infinity, accuracy: neg / n };
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i]!;
    const acc = (p.tar * pos + (1 - p.far) * neg) / n;
    if (acc >= best.accuracy) {
      const next = pts[i + 1]?.threshold;
      best = { threshold: next === undefined ? p.threshold - 1e-6 : (p.threshold + next) / 2, accuracy: acc };
    }
  }
  if (best.threshold === Infinity) best.threshold = (pts[1]?.threshold ?? 0) + 1e-6; // rejecting everything wins
  return best;
}

export interface KFoldResult {
  /** Mean of the folds' accuracies, each with the threshold chosen on the other folds. */
  accuracy: number;
  /** Population standard deviation of the folds' accuracies. */
  std: number;
  foldAccuracies: number[];
  foldThresholds: number[];
}

/**
 * k-fold accuracy: for each fold, the best threshold on the other folds is applied to it.
 * `folds` is either the fold index of each pair or a count k (pair i goes to fold i mod k).
 */
export function kFoldAccuracy(
  scores: readonly number[],
  same: readonly boolean[],
  folds: readonly number[] | number = 10,
): KFoldResult {
  check(scores, same);
  const foldOf = typeof folds === 'number' ? scores.map((_, i) => i % folds) : folds;
  if (foldOf.length !== scores.length) throw new Error('one fold index per pair is needed');
  const ids = [...new Set(foldOf)].sort((a, b) => a - b);
  if (ids.length < 2) throw new Error('k-fold accuracy needs at least 2 folds');
  const foldAccuracies: number[] = [];
  const foldThresholds: number[] = [];
  for (const f of ids) {
    const trS: number[] = [], trY: boolean[] = [], teS: number[] = [], teY: boolean[] = []; // prettier-ignore
    for (let i = 0; i < scores.length; i++) {
      if (foldOf[i] === f) {
        teS.push(scores[i]!);
        teY.push(same[i]!);
      } else {
        trS.push(scores[i]!);
        trY.push(same[i]!);
      }
    }
    const { threshold } = bestThreshold(trS, trY);
    foldThresholds.push(threshold);
    foldAccuracies.push(accuracyAt(teS, teY, threshold));
  }
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length);
  return { accuracy: mean, std, foldAccuracies, foldThresholds };
}

export interface VerificationSummary {
  accuracy: number;
  std: number;
  auc: number;
  eer: number;
  tarAtFar1e2: number;
  tarAtFar1e3: number;
  /** Best threshold on all pairs (the one to use on new pairs). */
  threshold: number;
  pairs: number;
}

/** Every figure at once, as fractions. */
export function summarize(
  scores: readonly number[],
  same: readonly boolean[],
  folds: readonly number[] | number = 10,
): VerificationSummary {
  const k = kFoldAccuracy(scores, same, folds);
  return {
    accuracy: k.accuracy,
    std: k.std,
    auc: auc(scores, same),
    eer: eer(scores, same),
    tarAtFar1e2: tarAtFar(scores, same, 1e-2),
    tarAtFar1e3: tarAtFar(scores, same, 1e-3),
    threshold: bestThreshold(scores, same).threshold,
    pairs: scores.length,
  };
}
