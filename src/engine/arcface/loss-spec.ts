// Engine (arcface): the margin-loss family as numbers: parsing 'arcface+intra+inter' over the shared presets, target-logit curves (no tensors).
import {
  LOSS_BASES,
  LOSS_DEFAULTS,
  LOSS_PRESETS,
  LOSS_TERMS,
  isLossName,
  presetMargins,
  type LossBase,
  type LossPreset,
} from '../../shared/losses.js';

/**
 * [Note: the margin family] Every classification loss here is cross-entropy over logits. For the normalised
 * family the logits are s·cos θj (features and class weights L2-normalised, bias 0) and the target logit is
 * s·(cos(m1·θ + m2) − m3): NS is (1, 0, 0), SphereFace m1, ArcFace m2, CosFace m3, CM1 (1, 0.3, 0.2) and
 * CM2 (0.9, 0.4, 0.15) the combined margins. 'asoftmax' is SphereFace's original A-Softmax with an integer m
 * and its monotonic extension ψ(θ) = (−1)^k cos(mθ) − 2k, k = ⌊mθ/π⌋, blended with cos θ by λ as in the
 * SphereFace paper's annealing: (λ cos θ + ψ(θ)) / (1 + λ). 'softmax' is the plain W·x + b on the
 * unnormalised features. Extra terms: Intra (mean θy / π), Inter (− mean angle between the sample's class
 * centre and the others / π) and Triplet on the angles of normalised embeddings with a margin.
 */

export interface LossSpec {
  /** The name as the user wrote it, e.g. 'arcface+triplet'. */
  name: string;
  base: LossBase;
  s: number;
  m1: number;
  m2: number;
  m3: number;
  /** A-Softmax integer margin and its λ blend. */
  m: number;
  lambda: number;
  intra: boolean;
  inter: boolean;
  /** Angular triplet margin (radians); 0 = no triplet term. */
  triplet: number;
}

/** The named base losses and their extra terms (presets: src/shared/losses.ts, shared with the Train page). */
export const LOSS_NAMES: readonly string[] = LOSS_BASES;
export const EXTRA_TERMS = LOSS_TERMS;

/** The seed's table rows, in its order. */
export const SEED_LOSSES = [
  'arcface',
  'sphereface',
  'cosface',
  'cm1',
  'cm2',
  'softmax',
  'ns',
  'ns+intra',
  'ns+inter',
  'ns+intra+inter',
  'triplet',
  'arcface+intra',
  'arcface+inter',
  'arcface+intra+inter',
  'arcface+triplet',
] as const;

export interface LossOverrides {
  s?: number;
  m1?: number;
  m2?: number;
  m3?: number;
  m?: number;
  lambda?: number;
  tripletMargin?: number;
}

/** Parses 'arcface', 'ns+intra+inter', 'arcface+triplet', 'asoftmax' ...; explicit overrides win over presets. */
export function parseLoss(name: string, o: LossOverrides = {}): LossSpec {
  const parts = name
    .toLowerCase()
    .split('+')
    .map((p) => p.trim())
    .filter(Boolean);
  const [head, ...extras] = parts;
  if (!head || !isLossName(head))
    throw new Error(
      `unknown loss '${head ?? ''}' in '${name}': use one of ${LOSS_NAMES.join(', ')}, optionally + ${EXTRA_TERMS.join(' + ')}`,
    );
  const preset: LossPreset = LOSS_PRESETS[head];
  const margins = presetMargins(head);
  const spec: LossSpec = {
    name: parts.join('+'),
    base: preset.base,
    s: o.s ?? margins.s,
    m1: o.m1 ?? margins.m1,
    m2: o.m2 ?? margins.m2,
    m3: o.m3 ?? margins.m3,
    m: o.m ?? LOSS_DEFAULTS.asoftmaxM,
    lambda: o.lambda ?? LOSS_DEFAULTS.asoftmaxLambda,
    intra: false,
    inter: false,
    triplet: preset.triplet ?? 0,
  };
  for (const e of extras) {
    if (e === 'intra') spec.intra = true;
    else if (e === 'inter') spec.inter = true;
    else if (e === 'triplet') spec.triplet = o.tripletMargin ?? LOSS_DEFAULTS.tripletMargin;
    else throw new Error(`unknown extra term '${e}' in '${name}': use ${EXTRA_TERMS.join(', ')}`);
  }
  if (spec.base === 'none' && o.tripletMargin !== undefined) spec.triplet = o.tripletMargin;
  if (spec.base === 'asoftmax' && (!Number.isInteger(spec.m) || spec.m < 1))
    throw new Error(`A-Softmax needs an integer m >= 1, got ${spec.m}`);
  if (spec.m1 <= 0) throw new Error(`m1 must be > 0, got ${spec.m1}`);
  if (spec.m2 < 0 || spec.m2 >= Math.PI) throw new Error(`m2 must be in [0, π), got ${spec.m2}`);
  if (!(spec.s > 0)) throw new Error(`s must be > 0, got ${spec.s}`);
  return spec;
}

/**
 * [Note: the ArcFace guard] cos(m1·θ + m2) stops decreasing once m1·θ + m2 passes π, which would reward
 * pushing a sample further from its class. Past θt = (π − m2)/m1 the target uses a monotonic fallback
 * cos θ − mm. For m1 = 1 this is exactly insightface's guard, th = cos(π − m2), mm = sin(π − m2)·m2; for
 * m1 ≠ 1 mm = cos θt + 1 keeps the curve continuous at θt.
 */
export function guardOf(spec: Pick<LossSpec, 'm1' | 'm2'>): { thetaT: number; th: number; mm: number } | undefined {
  if (spec.m2 === 0 && spec.m1 <= 1) return undefined;
  const thetaT = (Math.PI - spec.m2) / spec.m1;
  if (thetaT >= Math.PI) return undefined;
  if (spec.m1 === 1) return { thetaT, th: Math.cos(Math.PI - spec.m2), mm: Math.sin(Math.PI - spec.m2) * spec.m2 };
  return { thetaT, th: Math.cos(thetaT), mm: Math.cos(thetaT) + 1 };
}

/** The target logit divided by s, at angle θ (radians), in plain numbers: the reference the tensor code is tested against. */
export function targetCos(spec: LossSpec, theta: number): number {
  const c = Math.cos(theta);
  if (spec.base === 'softmax' || spec.base === 'none') return c;
  if (spec.base === 'asoftmax') {
    const k = Math.min(spec.m - 1, Math.floor((spec.m * theta) / Math.PI));
    const psi = (k % 2 === 0 ? 1 : -1) * Math.cos(spec.m * theta) - 2 * k;
    return (spec.lambda * c + psi) / (1 + spec.lambda);
  }
  const g = guardOf(spec);
  if (g && theta > g.thetaT) return c - g.mm - spec.m3;
  return Math.cos(spec.m1 * theta + spec.m2) - spec.m3;
}

/**
 * The seed's figure: target logit (÷ s) against θ in degrees, one series per loss, 0..180° in `points` steps, as
 * the UI draws it and `facelens lab --curves` prints it. Margins of the combined family are named in the label.
 */
export function targetLogitCurves(
  specs: readonly LossSpec[],
  points = 181,
): { label: string; x: number[]; y: number[] }[] {
  return specs.map((spec) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < points; i++) {
      const deg = (180 * i) / (points - 1);
      x.push(deg);
      y.push(targetCos(spec, (deg * Math.PI) / 180));
    }
    const m = spec.base === 'margin' ? ` (m1 ${spec.m1}, m2 ${spec.m2}, m3 ${spec.m3})` : '';
    return { label: `${spec.name}${m}`, x, y };
  });
}
