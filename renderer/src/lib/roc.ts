// Renderer: figures at a threshold from raw pair scores (FAR, TAR, accuracy) and histogram bins, for the Verify page's slider.
export interface AtThreshold {
  far: number;
  tar: number;
  accuracy: number;
}

export function atThreshold(genuine: readonly number[], impostor: readonly number[], t: number): AtThreshold {
  let tp = 0;
  for (const s of genuine) if (s >= t) tp++;
  let fp = 0;
  for (const s of impostor) if (s >= t) fp++;
  const tar = genuine.length ? tp / genuine.length : 0;
  const far = impostor.length ? fp / impostor.length : 0;
  const n = genuine.length + impostor.length;
  return { far, tar, accuracy: n ? (tp + impostor.length - fp) / n : 0 };
}

/** Shares of `values` in `bins` equal bins over [lo, hi] (centres returned as x). */
export function histogram(
  values: readonly number[],
  lo: number,
  hi: number,
  bins: number,
): { x: number[]; y: number[] } {
  const y = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (const v of values) y[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]!++;
  const n = values.length || 1;
  return { x: y.map((_, i) => lo + (i + 0.5) * w), y: y.map((c) => c / n) };
}
