// Engine (cluster): clustering quality against true identities: pairwise and BCubed P/R/F, NMI, unknown share.

export interface ClusterScores {
  pairwiseP: number;
  pairwiseR: number;
  pairwiseF: number;
  bcubedP: number;
  bcubedR: number;
  bcubedF: number;
  nmi: number;
  clusters: number;
  identities: number;
  unknownShare: number;
  faces: number;
}

/**
 * [Note: scoring unknown faces] A face left unknown (label -1) counts as a cluster of its own: it is never a
 * wrong match (precision) but it is a missed one (recall), so leaving everything unknown cannot score well.
 * `clusters` counts real clusters only (those holding at least one scored face).
 */
export function scoreClustering(truth: ArrayLike<number>, labels: ArrayLike<number>): ClusterScores {
  const n = truth.length;
  if (labels.length !== n) throw new Error('truth and labels differ in length');
  const pred = Int32Array.from({ length: n }, (_, i) => labels[i]!);
  let next = 1 + Math.max(-1, ...Array.from(pred));
  let unknown = 0;
  for (let i = 0; i < n; i++)
    if (pred[i]! < 0) {
      pred[i] = next++;
      unknown++;
    }
  const realClusters = new Set<number>();
  for (let i = 0; i < n; i++) if (labels[i]! >= 0) realClusters.add(labels[i]!);
  const joint = new Map<string, number>();
  const tc = new Map<number, number>();
  const pc = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    const p = pred[i]!;
    joint.set(`${t}:${p}`, (joint.get(`${t}:${p}`) ?? 0) + 1);
    tc.set(t, (tc.get(t) ?? 0) + 1);
    pc.set(p, (pc.get(p) ?? 0) + 1);
  }
  const pairs = (m: number) => (m * (m - 1)) / 2;
  let tp = 0;
  for (const c of joint.values()) tp += pairs(c);
  let predPairs = 0;
  for (const c of pc.values()) predPairs += pairs(c);
  let truePairs = 0;
  for (const c of tc.values()) truePairs += pairs(c);
  const pairwiseP = predPairs ? tp / predPairs : 1;
  const pairwiseR = truePairs ? tp / truePairs : 1;
  // BCubed: per face, the share of its cluster that shares its identity, and of its identity in its cluster.
  let bp = 0;
  let br = 0;
  for (const [key, c] of joint) {
    const [t, p] = key.split(':').map(Number) as [number, number];
    bp += (c * c) / pc.get(p)!;
    br += (c * c) / tc.get(t)!;
  }
  const bcubedP = n ? bp / n : 1;
  const bcubedR = n ? br / n : 1;
  // NMI with the arithmetic-mean normaliser.
  let mi = 0;
  for (const [key, c] of joint) {
    const [t, p] = key.split(':').map(Number) as [number, number];
    mi += (c / n) * Math.log((c * n) / (tc.get(t)! * pc.get(p)!));
  }
  const h = (m: Map<number, number>) => {
    let s = 0;
    for (const c of m.values()) s -= (c / n) * Math.log(c / n);
    return s;
  };
  const ht = h(tc);
  const hp = h(pc);
  const nmi = ht + hp > 0 ? (2 * mi) / (ht + hp) : 1;
  const f = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);
  return {
    pairwiseP,
    pairwiseR,
    pairwiseF: f(pairwiseP, pairwiseR),
    bcubedP,
    bcubedR,
    bcubedF: f(bcubedP, bcubedR),
    nmi,
    clusters: realClusters.size,
    identities: tc.size,
    unknownShare: n ? unknown / n : 0,
    faces: n,
  };
}

export interface GroupPurity {
  /** Groups of 2-3 faces: how many, how many could be judged (two labelled faces or more), how many of those are pure. */
  small: { groups: number; judged: number; pure: number };
  /** Groups of 4 or more faces, the same. */
  large: { groups: number; judged: number; pure: number };
}

/**
 * [Note: group purity] BCubed weighs a face by its group, so a wrong pair among a hundred people barely moves it,
 * yet a user meets every group. Here each group counts once: it is judged when it holds two or more labelled
 * faces, and pure when those all carry one identity. Faces without a label (background faces) are left out of
 * the judgement: in LFW they are often the same person as a labelled face, so they cannot count as mistakes.
 * `truth[i]` < 0: no label; `group[i]` 0: in no group.
 */
export function groupPurity(truth: ArrayLike<number>, group: ArrayLike<number>): GroupPurity {
  const members = new Map<number, number[]>();
  for (let i = 0; i < group.length; i++) {
    const g = group[i]!;
    if (g === 0) continue;
    let m = members.get(g);
    if (!m) members.set(g, (m = []));
    m.push(truth[i]!);
  }
  const out: GroupPurity = { small: { groups: 0, judged: 0, pure: 0 }, large: { groups: 0, judged: 0, pure: 0 } };
  for (const m of members.values()) {
    if (m.length < 2) continue;
    const bin = m.length <= 3 ? out.small : out.large;
    bin.groups++;
    const known = m.filter((t) => t >= 0);
    if (known.length < 2) continue;
    bin.judged++;
    if (known.every((t) => t === known[0])) bin.pure++;
  }
  return out;
}
