// Bench (cli, dev only): would a smaller vector in the HNSW graph buy recall at a given latency? Builds one index (one
// thread, M 32, efC 100) over the full 512-D vectors and one over each random projection to `d` dimensions, whose k'
// best are then re-ranked by their exact 512-D cosine; prints recall@10 against exact search and p50 latency (the
// projection and re-rank included). Synthetic faces as bench/hnsw.ts makes them (identities = 3% of n).
// usage: node --max-old-space-size=8000 --import tsx bench/hnsw-projected.ts [N] [DIMS] [EFS] [K'S]
//   e.g. bench/hnsw-projected.ts 200000 128,512,256 32,64,96,128,192 10,30,50,80,120
import hnsw from 'hnswlib-node';
import { applyFolded } from '../src/engine/arcface/head-weights.js';
import { normals, rng } from '../src/engine/random.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { exactTopKScored, HNSW_SYNTHETIC } from './hnsw-measure.js';
const n = Number(process.argv[2] ?? 200000);
const ids = Math.round(n * 0.03);
const dims = (process.argv[3] ?? '512,128').split(',').map(Number);
const efs = (process.argv[4] ?? '32,64,128').split(',').map(Number);
const kps = (process.argv[5] ?? '10,30,60,100').split(',').map(Number);
const set = syntheticFaces({ identities: ids, faces: n, ...HNSW_SYNTHETIC });
const D = 512;
const data = Array.from({ length: n }, (_, i) => set.vectors.subarray(i * D, (i + 1) * D));
const rand = rng(3);
const queries = Array.from({ length: 200 }, () => Math.floor(rand() * n));
const truth = exactTopKScored(data, queries, 10).map((r) => new Set(r.map((b) => b.i)));
console.log(`n ${n}, ${ids} identities`);
for (const d of dims) {
  // a Gaussian random projection D -> d (Johnson-Lindenstrauss): a head with random weights and no bias, whose
  // output applyFolded renormalises
  const normal = normals(rng(11));
  const P =
    d === D
      ? undefined
      : { dimIn: D, dimOut: d, w: Float32Array.from({ length: D * d }, normal), b: new Float32Array(d) };
  const proj = (v: Float32Array) => Array.from(P ? applyFolded(P, [v])[0]! : v);
  const idx = new hnsw.HierarchicalNSW('ip', d);
  idx.initIndex(n, 32, 100, 100);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) idx.addPoint(proj(data[i]!), i);
  const build = (performance.now() - t0) / 1000;
  for (const ef of efs)
    for (const kp of d === D ? [10] : kps) {
      if (kp > ef) continue;
      idx.setEf(ef);
      let hits = 0;
      const lat: number[] = [];
      queries.forEach((q, qi) => {
        const t = performance.now();
        const r = idx.searchKnn(proj(data[q]!), kp + 1);
        let cand = r.neighbors.filter((x) => x !== q);
        if (d !== D) {
          const qv = data[q]!;
          const sc = cand.map((c) => {
            const v = data[c]!;
            let s = 0;
            for (let j = 0; j < D; j++) s += qv[j]! * v[j]!;
            return { c, s };
          });
          sc.sort((a, b) => b.s - a.s);
          cand = sc.map((x) => x.c);
        }
        cand = cand.slice(0, 10);
        lat.push(performance.now() - t);
        hits += cand.filter((c) => truth[qi]!.has(c)).length;
      });
      lat.sort((a, b) => a - b);
      console.log(
        `dim ${d} build ${build.toFixed(1)} s ef ${ef} k' ${kp}: recall ${(hits / 2000).toFixed(4)} p50 ${lat[100]!.toFixed(3)} ms`,
      );
    }
}
