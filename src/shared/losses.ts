// Shared (engine and renderer): the margin-loss presets as data: each named base loss, its margins and label, the defaults.

/** How a named loss makes its logits (see [Note: the margin family] in src/engine/arcface/loss-spec.ts). */
export type LossBase = 'softmax' | 'margin' | 'asoftmax' | 'none';

export interface LossPreset {
  base: LossBase;
  /** What the loss is, in a few words (the Train page shows it on its button). */
  label: string;
  /** Margins of the target logit s·(cos(m1·θ + m2) − m3); a missing one is 1 (m1) or 0 (m2, m3). */
  m1?: number;
  m2?: number;
  m3?: number;
  /** Angular triplet margin (radians) of a loss that is a triplet term alone. */
  triplet?: number;
}

/** The paper's defaults and the seed's settings for each named loss. */
export const LOSS_DEFAULTS = { s: 64, m2: 0.5, tripletMargin: 0.35, asoftmaxM: 4, asoftmaxLambda: 5 } as const;

/** The named base losses, in the order the Train page offers them (ArcFace first). */
export const LOSS_PRESETS = {
  arcface: { base: 'margin', label: 'ArcFace: additive angular margin m2', m1: 1, m2: LOSS_DEFAULTS.m2, m3: 0 },
  cosface: { base: 'margin', label: 'CosFace: additive cosine margin m3', m1: 1, m2: 0, m3: 0.35 },
  sphereface: { base: 'margin', label: 'SphereFace: multiplicative angular margin m1', m1: 1.35, m2: 0, m3: 0 },
  cm1: { base: 'margin', label: 'Combined margin CM1 (m1 1, m2 0.3, m3 0.2)', m1: 1, m2: 0.3, m3: 0.2 },
  cm2: { base: 'margin', label: 'Combined margin CM2 (m1 0.9, m2 0.4, m3 0.15)', m1: 0.9, m2: 0.4, m3: 0.15 },
  combined: { base: 'margin', label: 'Combined margin cos(m1·θ + m2) − m3', m1: 1, m2: 0.3, m3: 0.2 },
  ns: { base: 'margin', label: 'Normalised softmax: s·cos θ, no margin', m1: 1, m2: 0, m3: 0 },
  softmax: { base: 'softmax', label: 'Softmax: W·x + b on the raw features' },
  asoftmax: { base: 'asoftmax', label: "SphereFace's original A-Softmax (integer m, λ blend)" },
  triplet: { base: 'none', label: 'Triplet term alone, on angles', triplet: LOSS_DEFAULTS.tripletMargin },
} as const satisfies Record<string, LossPreset>;

export type LossName = keyof typeof LOSS_PRESETS;
export const LOSS_BASES = Object.keys(LOSS_PRESETS) as LossName[];
/** Extra terms a base loss may carry: 'arcface+intra+inter'. */
export const LOSS_TERMS = ['intra', 'inter', 'triplet'] as const;
export type LossTerm = (typeof LOSS_TERMS)[number];

export function isLossName(name: string): name is LossName {
  return Object.hasOwn(LOSS_PRESETS, name);
}

/** The margins a named base loss starts from (s, m1, m2, m3). */
export function presetMargins(name: LossName): { s: number; m1: number; m2: number; m3: number } {
  const p: LossPreset = LOSS_PRESETS[name];
  return { s: LOSS_DEFAULTS.s, m1: p.m1 ?? 1, m2: p.m2 ?? 0, m3: p.m3 ?? 0 };
}
