// Engine (lookalike): plain-text rendering of separation reports (rates table, histograms as text bins) for the CLI and the bench.
import { binOf, type FarPoint, type SeparationStats } from './stats.js';

export const textOptions = {
  /** Width of the longest histogram bar, in characters. */
  barWidth: 28,
};

const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

export interface Column {
  title: string;
  stats: SeparationStats;
  farPoint: FarPoint | null;
}

/** One row per threshold: its value and the pair/face false-match and genuine rates, for each column. */
export function ratesTable(cols: readonly Column[]): string {
  const names = [...new Set(cols.flatMap((c) => c.stats.rates.map((r) => r.name)))];
  const head = ['threshold'.padEnd(12), ...cols.map((c) => c.title.padStart(44))].join(' ');
  const sub = [''.padEnd(12), ...cols.map(() => 'value  pair FMR  face FMR  pair TAR  face TAR'.padStart(44))].join(
    ' ',
  );
  const lines = [head, sub];
  for (const n of names) {
    const cells = cols.map((c) => {
      const r = c.stats.rates.find((x) => x.name === n);
      if (!r) return 'n/a'.padStart(44);
      return `${r.threshold.toFixed(3).padStart(6)} ${pct(r.pairFmr).padStart(9)} ${pct(r.faceFmr).padStart(9)} ${pct(r.pairTar).padStart(9)} ${pct(r.faceTar).padStart(9)}`.padStart(
        44,
      );
    });
    lines.push([n.padEnd(12), ...cells].join(' '));
  }
  const auc = cols.map((c) => (c.stats.auc === null ? 'n/a' : c.stats.auc.toFixed(4)).padStart(44));
  lines.push(['AUC A|B'.padEnd(12), ...auc].join(' '));
  const means = cols.map((c) =>
    `impostor mean ${c.stats.impostor.mean.toFixed(3)}, genuine mean ${c.stats.genuine.mean.toFixed(3)}`.padStart(44),
  );
  lines.push([''.padEnd(12), ...means].join(' '));
  return lines.join('\n');
}

/**
 * Histograms of A-vs-B (impostor, 'x') and genuine ('o') scores as text bins, one row per bin that holds a
 * score in any column; bars are shares of each distribution so people of different sizes compare.
 */
export function histogramText(cols: readonly Column[]): string {
  const bins = cols[0]?.stats.bins ?? 0;
  const w = 2 / bins;
  const used = (i: number) => cols.some((c) => c.stats.impostor.histogram[i]! > 0 || c.stats.genuine.histogram[i]! > 0);
  let lo = 0;
  let hi = bins - 1;
  while (lo < hi && !used(lo)) lo++;
  while (hi > lo && !used(hi)) hi--;
  // Bars are shares of their distribution, scaled so the largest share of any column fills the width.
  let top = 0;
  for (const c of cols)
    for (let i = 0; i < bins; i++)
      top = Math.max(
        top,
        c.stats.impostor.histogram[i]! / (c.stats.impostor.pairs || 1),
        c.stats.genuine.histogram[i]! / (c.stats.genuine.pairs || 1),
      );
  const bar = (n: number, total: number, ch: string) =>
    ch.repeat(total && top ? Math.round((n / total / top) * textOptions.barWidth) : 0);
  const cell = textOptions.barWidth * 2 + 3;
  const lines = [
    ['cosine'.padEnd(13), ...cols.map((c) => `${c.title}: x = A vs B, o = genuine`.padEnd(cell))].join(' '),
  ];
  for (let i = hi; i >= lo; i--) {
    const from = -1 + i * w;
    const label = `${from.toFixed(2).padStart(5)}..${(from + w).toFixed(2).padStart(5)}`;
    const cells = cols.map((c) => {
      const x = bar(c.stats.impostor.histogram[i]!, c.stats.impostor.pairs, 'x').padEnd(textOptions.barWidth);
      const o = bar(c.stats.genuine.histogram[i]!, c.stats.genuine.pairs, 'o').padEnd(textOptions.barWidth);
      return `${x} | ${o}`.padEnd(cell);
    });
    const marks = cols.flatMap((c) =>
      c.stats.rates.filter((r) => binOf(r.threshold, bins) === i).map((r) => `${r.name} ${r.threshold.toFixed(3)}`),
    );
    lines.push(
      [label.padEnd(13), ...cells, marks.length ? `<- ${[...new Set(marks)].join(', ')}` : ''].join(' ').trimEnd(),
    );
  }
  return lines.join('\n');
}
