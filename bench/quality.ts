// Bench (cli, dev only): which face-quality score predicts recognisability: error-versus-reject curves (ERC) of every
// candidate on celeba-wild (all pairs of the labelled faces) and LFW (pairs.txt), and what each candidate's gate keeps out.
// usage: node --import tsx bench/quality.ts [--libs DIR] [--fmr 0.001] [--lfw-fmr 0.01]
// The libraries are the developers' labelled sets imported once (bench/truth-sets.ts). Every photo is decoded again to
// rebuild each face's aligned crop from its stored landmarks (for sharpness and the appearance score).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../src/engine/image/decode.js';
import { blobToF32 } from '../src/engine/store/blob.js';
import type { Db } from '../src/engine/store/db.js';
import type { FaceRow } from '../src/engine/store/faces.js';
import { parseLfwPairs } from '../src/engine/verify/pairs.js';
import { alignFace } from '../src/engine/vision/align.js';
import { faceQuality, qualityOptions } from '../src/engine/vision/quality.js';
import type { Point } from '../src/engine/vision/types.js';
import { libsDir, openSet } from './truth-sets.js';

const { values } = parseArgs({
  options: {
    libs: { type: 'string' },
    /** False-match rate the verification threshold is set at (celeba-wild: 640k impostor pairs). */
    fmr: { type: 'string', default: '0.001' },
    /** The same for LFW pairs.txt (1,500 impostor pairs: 1e-3 would rest on one or two pairs). */
    'lfw-fmr': { type: 'string', default: '0.01' },
  },
});
const REJECT = [0, 0.01, 0.02, 0.05, 0.1, 0.2];
/** See [Note: faces that hurt]. */
const hurtBelow = 0.2;

interface Face {
  id: number;
  photo: number;
  box: { x: number; y: number; w: number; h: number };
  vec: Float32Array;
  /** Candidate quality values, higher = better. */
  c: Record<string, number>;
}

const CANDIDATES = [
  'previous (size*det*pose*sharp)',
  'feature norm',
  'detector score',
  'pose',
  'sharpness',
  'size',
  'norm * pose',
  'norm * size',
] as const;

/** Every face of a library with its candidate scores (decodes each photo once). */
async function facesOf(db: Db): Promise<Face[]> {
  const rows = db
    .prepare(
      `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.score, f.landmarks, f.feature, e.vec,
              (SELECT path FROM files WHERE photo_id = f.photo_id ORDER BY id LIMIT 1) AS path
         FROM faces f JOIN embeddings e ON e.face_id = f.id ORDER BY f.photo_id, f.id`,
    )
    .all() as (Pick<FaceRow, 'id' | 'photo_id' | 'x' | 'y' | 'w' | 'h' | 'score' | 'landmarks' | 'feature'> & {
    vec: Buffer;
    path: string;
  })[];
  const out: Face[] = [];
  let img: Awaited<ReturnType<typeof decodeImage>> | undefined;
  let imgPath = '';
  for (const r of rows) {
    if (r.path !== imgPath) {
      img = await decodeImage(r.path);
      imgPath = r.path;
    }
    const l = blobToF32(r.landmarks);
    const lm: Point[] = [0, 1, 2, 3, 4].map((i) => [l[2 * i]!, l[2 * i + 1]!]);
    const crop = alignFace(img!, lm);
    const q = faceQuality(lm, r.score, crop, blobToF32(r.feature));
    const normR = q.recognisability;
    out.push({
      id: r.id,
      photo: r.photo_id,
      box: { x: r.x, y: r.y, w: r.w, h: r.h },
      vec: blobToF32(r.vec),
      c: {
        'previous (size*det*pose*sharp)': q.appearance,
        'feature norm': q.raw.featureNorm,
        'detector score': q.raw.score,
        pose: -q.raw.yaw,
        sharpness: q.raw.laplacianVar,
        size: q.raw.resolution,
        'norm * pose': normR * q.pose,
        'norm * size': normR * q.size,
      },
    });
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

interface PairScores {
  a: Int32Array;
  b: Int32Array;
  s: Float32Array;
  same: Uint8Array;
}

/** The threshold at which `fmr` of the impostor pairs match. */
function thresholdAt(p: PairScores, fmr: number): number {
  const imp: number[] = [];
  for (let i = 0; i < p.s.length; i++) if (!p.same[i]) imp.push(p.s[i]!);
  imp.sort((x, y) => y - x);
  return imp[Math.min(imp.length - 1, Math.floor(fmr * imp.length))]!;
}

/** FNMR at threshold `t` after dropping the `r` share of faces with the lowest candidate value (ties by id). */
function ercRow(faces: Face[], p: PairScores, name: string, t: number): number[] {
  const order = faces.map((_, i) => i).sort((x, y) => faces[x]!.c[name]! - faces[y]!.c[name]! || x - y);
  return REJECT.map((r) => {
    const dropped = new Uint8Array(faces.length);
    for (let j = 0; j < Math.floor(r * faces.length); j++) dropped[order[j]!] = 1;
    let gen = 0;
    let miss = 0;
    for (let i = 0; i < p.s.length; i++) {
      if (!p.same[i] || dropped[p.a[i]!] || dropped[p.b[i]!]) continue;
      gen++;
      if (p.s[i]! < t) miss++;
    }
    return gen ? miss / gen : 0;
  });
}

function printErc(title: string, faces: Face[], p: PairScores, fmr: number): number {
  const t = thresholdAt(p, fmr);
  const gen = p.same.reduce((s, x) => s + x, 0);
  console.log(
    `\n${title}: ${faces.length} faces, ${gen} genuine / ${p.s.length - gen} impostor pairs; threshold ${t.toFixed(3)} at FMR ${fmr}`,
  );
  console.log(
    `FNMR after rejecting the lowest-quality faces | ${REJECT.map((r) => `${(100 * r).toFixed(0)}%`.padStart(6)).join(' ')} | area to 20%`,
  );
  for (const name of CANDIDATES) {
    const row = ercRow(faces, p, name, t);
    // trapezoid area under the curve over 0..20% rejected, per unit of rejection (lower is better)
    let area = 0;
    for (let j = 1; j < REJECT.length; j++) area += ((row[j]! + row[j - 1]!) / 2) * (REJECT[j]! - REJECT[j - 1]!);
    console.log(`${name.padEnd(46)} | ${row.map((x) => x.toFixed(4)).join(' ')} | ${(area / 0.2).toFixed(4)}`);
  }
  return t;
}

const libs = libsDir(values.libs);
const fmr = Number(values.fmr);
const t0 = performance.now();

// celeba-wild: every pair of the labelled faces (the largest face of each photo)
const cw = await openSet('celeba-wild', libs);
const cwAll = await facesOf(cw.db);
const cwLab = cwAll.filter((f) => cw.labelled.has(f.id));
const cwPairs = allPairs(cwLab, (f) => cw.labelled.get(f.id)!);
printErc('celeba-wild, all pairs of the labelled faces', cwLab, cwPairs, fmr);

// LFW: pairs.txt, each image's subject face (the labelled one)
const lfw = await openSet('lfw', libs);
const lfwAll = await facesOf(lfw.db);
const faceById = new Map(lfwAll.map((f) => [f.id, f]));
const labelledByPhoto = new Map<number, Face>();
for (const id of lfw.labelled.keys()) {
  const f = faceById.get(id);
  if (f) labelledByPhoto.set(f.photo, f);
}
const photoOfPath = new Map(
  (lfw.db.prepare('SELECT path, photo_id FROM files').all() as { path: string; photo_id: number }[]).map((r) => [
    r.path,
    r.photo_id,
  ]),
);
const set = parseLfwPairs(readFileSync(join(lfw.root, 'pairs.txt'), 'utf8'));
const used: Face[] = [];
const slot = new Map<number, number>();
const pa: number[] = [];
const pb: number[] = [];
const ps: number[] = [];
const psame: number[] = [];
let missing = 0;
for (const pr of set.pairs) {
  const fa = labelledByPhoto.get(photoOfPath.get(join(lfw.root, pr.a)) ?? -1);
  const fb = labelledByPhoto.get(photoOfPath.get(join(lfw.root, pr.b)) ?? -1);
  if (!fa || !fb) {
    missing++;
    continue;
  }
  const ix = (f: Face) => {
    let k = slot.get(f.id);
    if (k === undefined) {
      slot.set(f.id, (k = used.length));
      used.push(f);
    }
    return k;
  };
  pa.push(ix(fa));
  pb.push(ix(fb));
  ps.push(dot(fa.vec, fb.vec));
  psame.push(pr.same ? 1 : 0);
}
printErc(
  `LFW pairs.txt (${missing} of ${set.pairs.length} pairs without a face left out)`,
  used,
  { a: Int32Array.from(pa), b: Int32Array.from(pb), s: Float32Array.from(ps), same: Uint8Array.from(psame) },
  Number(values['lfw-fmr']),
);

// The gate each candidate would set, and what it keeps out of celeba-wild.
gateTable(cwAll, cwLab, cw.labelled);
console.error(`(${Math.round((performance.now() - t0) / 1000)} s)`);

function allPairs(faces: Face[], who: (f: Face) => string): PairScores {
  const n = faces.length;
  const m = (n * (n - 1)) / 2;
  const p: PairScores = { a: new Int32Array(m), b: new Int32Array(m), s: new Float32Array(m), same: new Uint8Array(m) };
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++, k++) {
      p.a[k] = i;
      p.b[k] = j;
      p.s[k] = dot(faces[i]!.vec, faces[j]!.vec);
      p.same[k] = who(faces[i]!) === who(faces[j]!) ? 1 : 0;
    }
  return p;
}

/**
 * [Note: faces that hurt] A labelled face hurts when the library cannot place it: its mean cosine to its own
 * person's other faces is below `hurtBelow` (no threshold the engine uses accepts it there), or some other person's
 * faces resemble it more on average than its own (it would be placed wrong, and pulls two people together). Each
 * candidate's gate is the highest value at which at least half of the labelled faces below it hurt: a gate that
 * mostly keeps out faces that could not be placed anyway. The table says what that gate keeps out of the whole
 * library, background faces included, and how many of the unlabelled faces it keeps out lie inside the labelled
 * face's own box (a mouth, an eye or an ear detected as a face).
 */
function gateTable(all: Face[], lab: Face[], labelled: Map<number, string>): void {
  const n = lab.length;
  const dim = lab[0]!.vec.length;
  const who = lab.map((f) => labelled.get(f.id)!);
  const ids = [...new Set(who)];
  const sums = new Map(ids.map((id) => [id, new Float64Array(dim)]));
  const count = new Map(ids.map((id) => [id, 0]));
  lab.forEach((f, i) => {
    const s = sums.get(who[i]!)!;
    for (let d = 0; d < dim; d++) s[d]! += f.vec[d]!;
    count.set(who[i]!, count.get(who[i]!)! + 1);
  });
  const hurts = lab.map((f, i) => {
    let own = -Infinity;
    let other = -Infinity;
    for (const id of ids) {
      const s = sums.get(id)!;
      let d = 0;
      for (let k = 0; k < dim; k++) d += s[k]! * f.vec[k]!;
      const c = count.get(id)!;
      if (id === who[i]) own = c > 1 ? (d - 1) / (c - 1) : Infinity;
      else other = Math.max(other, d / c);
    }
    return own < hurtBelow || other >= own;
  });
  const nHurt = hurts.filter(Boolean).length;
  const labelledBox = new Map<number, Face['box']>();
  for (const f of lab) labelledBox.set(f.photo, f.box);
  console.log(
    `\nceleba-wild gates: ${nHurt} of ${n} labelled faces hurt (mean cosine to their own person < ${hurtBelow}, or nearer another person; see [Note: faces that hurt]); ${all.length} faces in all, ${all.length - n} unlabelled`,
  );
  console.log(
    'candidate                                      | gate at    | labelled out | of them hurting | all faces out     | unlabelled out (inside the labelled face)',
  );
  for (const name of CANDIDATES) {
    // the highest gate with at least half of the labelled faces below it hurting
    const order = lab.map((_, i) => i).sort((x, y) => lab[x]!.c[name]! - lab[y]!.c[name]!);
    let best = { gate: -Infinity };
    let bad = 0;
    order.forEach((i, k) => {
      if (hurts[i]) bad++;
      const next = order[k + 1];
      const gate = next === undefined ? Infinity : lab[next]!.c[name]!;
      if (gate !== lab[i]!.c[name]! && bad >= (k + 1) / 2) best = { gate };
    });
    const out = lab.filter((f) => f.c[name]! < best.gate);
    const hurtOut = lab.filter((f, i) => hurts[i] && f.c[name]! < best.gate).length;
    const allOut = all.filter((f) => f.c[name]! < best.gate);
    const unl = allOut.filter((f) => !labelled.has(f.id));
    const inside = unl.filter((f) => {
      const b = labelledBox.get(f.photo);
      if (!b) return false;
      const cx = f.box.x + f.box.w / 2;
      const cy = f.box.y + f.box.h / 2;
      return cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h;
    }).length;
    const pct = (k: number, of: number) => `${k} (${((100 * k) / of).toFixed(1)}%)`;
    console.log(
      `${name.padEnd(46)} | ${best.gate.toPrecision(4).padStart(10)} | ${pct(out.length, n).padStart(12)} | ${String(hurtOut).padStart(15)} | ${pct(allOut.length, all.length).padStart(17)} | ${unl.length} (${inside})`,
    );
  }
  const { bad, good } = qualityOptions.featureNorm;
  console.log(`(the engine maps the feature norm ${bad}..${good} to quality 0..1)`);
}
