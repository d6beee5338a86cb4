// Bench helper: recall@k against exact search, build time and query latency of HNSW settings on a set of unit vectors.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShards, newShards, searchShards } from '../src/engine/index/hnsw.js';
import { WorkerShard, type Shard } from '../src/engine/index/shard-host.js';
import { installedBuild } from '../scripts/hnsw-native.mjs';
import { rng } from '../src/engine/random.js';

/**
 * The synthetic faces the HNSW benches measure on (bench/hnsw.ts --synthetic, hnsw-projected, within-person): the
 * same-person spread measured on celeba ([Note: synthetic spread], bench/cluster.ts defaults), one seed.
 */
export const HNSW_SYNTHETIC = { sameCos: 0.6, sameCosSpread: 0.45, seed: 5 } as const;

/** Which hnswlib-node build the figures come from (see [Note: HNSW built for this processor]). */
export function hnswBuildLine(): string {
  const b = installedBuild();
  return b === 'tuned'
    ? 'hnswlib-node: built for this processor (scripts/hnsw-native.mjs)'
    : `hnswlib-node: the ${b ?? 'unknown'} build (run node scripts/hnsw-native.mjs to build it for this processor)`;
}

export interface HnswSetting {
  m: number;
  efConstruction: number;
  ef: number;
  /** Shards built side by side on worker threads and searched together, as FaceIndex does (default 1). */
  shards?: number;
}

export interface HnswResult extends HnswSetting {
  n: number;
  shards: number;
  buildMs: number;
  /**
   * CPU seconds the process spent during the build (every thread) and that over the wall time: with S shards on S
   * free cores the build keeps S cores busy until the first shard is done; less means a shard waited.
   */
  buildCpuS: number;
  buildCores: number;
  recall: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Recall of the exact top-k neighbours at or above `matchCos` (the clustering threshold: the neighbours that
   * could be the same person); NaN when no query has any. Near-ties among unrelated faces (cosine ~0.1, which
   * fill the top-10 of a person with few faces) count in `recall` but matter to nothing the app does.
   */
  matchRecall: number;
  /** Size of the written index file: what the index holds in memory, give or take the allocator. */
  indexMb: number;
  /** The process's peak resident set so far (vectors, exact-search truth and every index built before included). */
  peakRssMb: number;
  /** Exact neighbours found, per query (in the order of `queries`), for recall over a subset of the queries. */
  queryHits: number[];
}

/**
 * Grows a set of real embeddings to `n` vectors: each new one is a real embedding plus Gaussian noise, renormalised,
 * so the set keeps the clumpy structure of faces rather than uniform noise. noise 0.06 per dimension puts a copy at
 * cosine ~0.6 from its source and ~0.36 from its siblings: like other photos of the same person, not duplicates.
 */
export function augment(real: Float32Array[], n: number, noise = 0.06, seed = 7): Float32Array[] {
  const out = real.slice(0, n);
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  while (out.length < n) {
    const src = real[Math.floor(rand() * real.length)]!;
    const v = new Float32Array(src.length);
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] = src[i]! + noise * gauss();
      s += v[i]! * v[i]!;
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
    out.push(v);
  }
  return out;
}

/** The exact top-k (by inner product) of each query over `data`, excluding the query's own index. */
export function exactTopK(data: Float32Array[], queries: number[], k: number): number[][] {
  return exactTopKScored(data, queries, k).map((r) => r.map((b) => b.i));
}

/** The same, with each neighbour's inner product. */
export function exactTopKScored(data: Float32Array[], queries: number[], k: number): { i: number; s: number }[][] {
  return queries.map((q) => {
    const qv = data[q]!;
    const best: { i: number; s: number }[] = [];
    for (let i = 0; i < data.length; i++) {
      if (i === q) continue;
      const d = data[i]!;
      let s = 0;
      for (let j = 0; j < qv.length; j++) s += qv[j]! * d[j]!;
      if (best.length < k || s > best[best.length - 1]!.s) {
        best.push({ i, s });
        best.sort((a, b) => b.s - a.s);
        if (best.length > k) best.pop();
      }
    }
    return best;
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** Builds one index per (m, efConstruction) and measures every ef on it. */
export function measure(
  data: Float32Array[],
  settings: HnswSetting[],
  queries: number[],
  truth: number[][],
  k = 10,
  /** Called as each build's rows are measured, so a long run shows its results as it goes. */
  onRow?: (r: HnswResult) => void,
  /** The exact neighbours' scores (same order as `truth`) and the cosine that makes one a possible match. */
  match?: { scores: number[][]; cos: number },
): HnswResult[] {
  const out: HnswResult[] = [];
  const builds = new Map<string, HnswSetting[]>();
  for (const s of settings) {
    const key = `${s.m}/${s.efConstruction}/${s.shards ?? 1}`;
    builds.set(key, [...(builds.get(key) ?? []), s]);
  }
  const rows = new Map(queries.map((q) => [q, Float32Array.from(data[q]!)]));
  const dir = mkdtempSync(join(tmpdir(), 'facelens-hnsw-'));
  for (const group of builds.values()) {
    const { m, efConstruction } = group[0]!;
    const shards = group[0]!.shards ?? 1;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // The app's shards (src/engine/index/hnsw.ts, shard-host.ts): the first on this thread, each other one on a
    // worker, built side by side from shared vectors and searched side by side. Labels are row numbers here.
    const shardList: Shard[] = newShards(shards);
    const built = buildShards(
      sharedRows(data),
      shards,
      shardList.map((_, i) => i),
      { dim: data[0]!.length, m, efConstruction, seed: 100 },
      () => Math.ceil(data.length / shards) + 16,
      shardList,
    );
    const buildMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const buildCpuS = (cpu.user + cpu.system) / 1e6;
    let indexMb = 0;
    built.forEach((b, i) => {
      const file = join(dir, `shard-${i}.bin`);
      b.shard.call({ op: 'write', file });
      indexMb += statSync(file).size / 2 ** 20;
      rmSync(file);
    });
    for (const s of group) {
      const lat: number[] = [];
      const queryHits: number[] = [];
      let hits = 0;
      let matchHits = 0;
      let matchAll = 0;
      queries.forEach((q, qi) => {
        const t = performance.now();
        const r = searchShards(built, rows.get(q)!, k, Math.max(s.ef, k + 1), q);
        lat.push(performance.now() - t);
        const got = r.map((n) => n.faceId);
        const want = new Set(truth[qi]);
        queryHits.push(got.filter((id) => want.has(id)).length);
        hits += queryHits[qi]!;
        if (match) {
          const found = new Set(got);
          truth[qi]!.forEach((id, j) => {
            if (match.scores[qi]![j]! < match.cos) return;
            matchAll++;
            if (found.has(id)) matchHits++;
          });
        }
      });
      out.push({
        ...s,
        shards,
        n: data.length,
        buildMs,
        buildCpuS,
        buildCores: buildCpuS / (buildMs / 1000),
        recall: hits / (queries.length * k),
        matchRecall: matchAll ? matchHits / matchAll : NaN,
        p50Ms: pct(lat, 0.5),
        p99Ms: pct(lat, 0.99),
        indexMb,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        queryHits,
      });
    }
    if (onRow) for (const r of out.slice(-group.length)) onRow(r);
    for (const sh of shardList) if (sh instanceof WorkerShard) sh.close();
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** The rows in SharedArrayBuffers, labelled by row number, as the parallel build reads them. */
function sharedRows(data: Float32Array[]): { vectors: Float32Array; labels: Int32Array; n: number; dim: number } {
  const dim = data[0]!.length;
  const first = data[0]!;
  const labels = new Int32Array(new SharedArrayBuffer(data.length * 4));
  for (let i = 0; i < labels.length; i++) labels[i] = i;
  // Rows already laid out one after another in one shared buffer (bench/hnsw.ts --synthetic) are used as they are.
  if (
    first.buffer instanceof SharedArrayBuffer &&
    first.byteOffset === 0 &&
    data.every((v, i) => v.buffer === first.buffer && v.byteOffset === i * dim * 4)
  ) {
    return { vectors: new Float32Array(first.buffer, 0, data.length * dim), labels, n: data.length, dim };
  }
  const vectors = new Float32Array(new SharedArrayBuffer(data.length * dim * 4));
  data.forEach((v, i) => vectors.set(v, i * dim));
  return { vectors, labels, n: data.length, dim };
}

export const hnswHead =
  `${hnswBuildLine()}\n\n` +
  '|       n | shards |  M | efC |  ef | recall@10 | match recall | build s | index MB | peak RSS MB | p50 ms | p99 ms | build CPU s | cores busy in build |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

export function hnswRow(r: HnswResult): string {
  const c = (v: string | number, w: number) => String(v).padStart(w);
  return `| ${c(r.n, 7)} | ${c(r.shards, 6)} | ${c(r.m, 2)} | ${c(r.efConstruction, 3)} | ${c(r.ef, 3)} | ${c(r.recall.toFixed(4), 9)} | ${c(Number.isNaN(r.matchRecall) ? '-' : r.matchRecall.toFixed(4), 12)} | ${c((r.buildMs / 1000).toFixed(1), 7)} | ${c(r.indexMb.toFixed(0), 8)} | ${c(r.peakRssMb.toFixed(0), 11)} | ${c(r.p50Ms.toFixed(3), 6)} | ${c(r.p99Ms.toFixed(3), 6)} | ${c(r.buildCpuS.toFixed(0), 11)} | ${c(r.buildCores.toFixed(2), 19)} |`;
}

export function hnswTable(rows: HnswResult[]): string {
  return [hnswHead, ...rows.map(hnswRow)].join('\n');
}
