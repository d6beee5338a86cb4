// Bench (run with node --import tsx bench/import.ts [--folder DIR] [--workers 1,2,N] [--per-worker 1,2] [--limit N] [--repeat R]): import speed.
// Imports ../shared/data/celeba-wild into a fresh library once per analysis-worker count (each in its own process,
// so peak RSS is per run; default 1, 2 and one per core) and prints photos/s, the speed-up over 1 worker, CPU
// cores busy, ms per stage, faces per photo, peak RSS and the machine's load average around each run; then times
// the describe stage's parts (landmarks, align, embed) on a sample, embedding alone in batches against its
// arithmetic floor, and HNSW recall@10 and latency on the faces found.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { activeEmbedder } from '../src/engine/arcface/embedder.js';
import { Engine } from '../src/engine/api/engine.js';
import { engineProcessEnv } from '../src/engine/host/client.js';
import { decodeImage, type DecodedImage } from '../src/engine/image/decode.js';
import { sharedDataDir } from '../src/engine/paths.js';
import { FaceStore } from '../src/engine/store/faces.js';
import { analyzePoolOptions } from '../src/engine/library/analyze-pool.js';
import { importOptions } from '../src/engine/library/import.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';
import sharp from 'sharp';
import { rng } from '../src/engine/random.js';
import { exactTopK, hnswTable, measure, augment } from './hnsw-measure.js';
import { EMBED_GFLOP, gemmGflops } from './peak.js';

const { values } = parseArgs({
  options: {
    folder: { type: 'string' },
    ahead: { type: 'string', default: String(importOptions.ahead) },
    /** Photos each worker holds at once, as a list to compare (default: the pool's). */
    'per-worker': { type: 'string', default: String(analyzePoolOptions.perWorker) },
    workers: { type: 'string', default: [...new Set([1, 2, availableParallelism()])].join(',') },
    /** Runs of each setting (in turn: 1, 2, N, 1, 2, N, ...), to see how much the figures move. */
    repeat: { type: 'string', default: '1' },
    limit: { type: 'string' },
    /**
     * Also run two 1-worker imports side by side, each its own process and library: what both cores give to two
     * independent imports, to compare with one import's 2 workers (see
     * [Note: two workers on two cores]).
     */
    'side-by-side': { type: 'boolean', default: false },
    /** Skip the HNSW recall tables (they take a few minutes). */
    'no-hnsw': { type: 'boolean', default: false },
    /**
     * Skip the two-at-once probe: face inference (and ORT's SGEMM) in one process alone, then in two processes at
     * once, which bounds what a second worker can add on this machine (see [Note: what two cores give]).
     */
    'no-pair': { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    /** Child only: run one probe of the two-at-once table instead of an import. */
    probe: { type: 'string' },
    db: { type: 'string' },
    sample: { type: 'string', default: '60' },
    'hnsw-n': { type: 'string', default: '50000' },
  },
});

interface RunResult {
  ahead: number;
  perWorker: number;
  workers: number;
  provider: string;
  load: string;
  /** Share of the wall time the main thread (reads, hashes, commits, index) was busy. */
  mainBusy: number;
  /** CPU ms per photo of the main thread alone (Linux; NaN elsewhere): the serial part of the import. */
  mainCpuMs: number;
  photos: number;
  faces: number;
  failures: number;
  wallS: number;
  photosPerS: number;
  coresBusy: number;
  stageMs: Record<string, number>;
  peakRssMb: number;
  reimportS: number;
}

/** The photos the bench imports unless --folder names others. */
function defaultFolder(): string {
  return join(sharedDataDir() ?? '../shared/data', 'celeba-wild');
}

function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listImages(p));
    else if (/\.(jpe?g|png|webp)$/i.test(name)) out.push(p);
  }
  return out;
}

/**
 * CPU ms the calling thread has used (utime + stime of /proc/thread-self/stat, in clock ticks of 10 ms), NaN where
 * there is no such file. Event-loop utilisation counts time the thread was preempted too; this does not.
 */
function threadCpuMs(): number {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15 of the whole line
  } catch {
    return NaN;
  }
}

/**
 * [Note: two workers on two cores] On the project's 2-core VM (this bench with --side-by-side, 2026-11-30): 1 worker
 * 38.6-41.1 photos/s with 1.23-1.25 cores busy, 2 workers 52.9-56.5 (1.32-1.41x) with 1.83-1.84, and two separate
 * 1-worker imports side by side, each its own process and library, 27.6 + 27.6 = 55.2 (1.37x). One import with 2
 * workers did as well as two independent ones then; a later run the same day (after [Note: face fragments], 1.18
 * faces a photo instead of 1.23) gave 1 worker 39.2-41.1, 2 workers 55.1-57.1 (1.36-1.41x, 1.82-1.85 cores) and
 * side by side 30.0 + 29.7 = 59.7 (1.48x), so two processes can do up to 5% better than one import's two workers
 * (the one main thread, libuv pool and heap they share), not enough to explain the gap to 1.6x. What bounds the
 * ratio is the work beside inference. Per photo (CPU of each thread from /proc during one import), a
 * worker thread spends 20.7-21.5 ms in detection and description, and the rest of the process 10-11 ms: sharp's
 * decode and thumbnails 7.2 on libuv's and libvips' threads, the main thread 2.3, V8's helper threads 1.3. One worker
 * runs beside that work (its thread is busy about 80% of the time) and keeps 1.22-1.25 cores busy; two workers fill
 * both cores with inference and that work together. Inference alone does not slow down when both cores work (detect
 * and describe on 200 decoded photos: 21.0-21.8 ms a photo with two processes at once, 21.5-22.8 alone). 1.6x would
 * need the work beside inference cut by about a quarter, and by more if one worker speeds up with it.
 * The main thread's own CPU (column "main CPU ms/photo", 2026-12-01): 2.5-2.7 ms a photo with 1 or 2 workers, so
 * it would bound one import near 400 photos/s on any number of cores. A CPU profile of it charged ~0.4 ms to each
 * fs/promises open (thumbnail writes, photo reads), but writing thumbnails synchronously instead left its CPU the
 * same (2.8-3.2 ms): that was time the thread spent preempted after waking a pool thread, not work.
 * On 2026-12-01 evening the VM ran at about half that speed (56-62 CPU ms a photo; ORT's SGEMM 63 GFLOP/s a core
 * against 96): 1 worker 18.8-21.8 photos/s on 1.14-1.22 cores, 2 workers 29.0-32.4 on 1.79-1.85, 1.37-1.57x. Per
 * thread in a 1-worker import: the worker 38.8 ms a photo, libuv's threads 7.1, libvips' 6.7, the main thread 5.2,
 * V8's helpers 2.8, so the same bound. Tried that day: one photo per worker (--per-worker 1: nothing decodes beside
 * inference) left 1 worker as fast (19.8-20.0 photos/s against 18.8-20.8), so the overlap is not what makes one
 * worker strong; resizing thumbnails in JavaScript to save sharp's 0.6-1 ms a call cost 3 ms for a 228-px region,
 * more than sharp's whole call; 3 workers on 2 cores reached 1.92 cores (33.2 photos/s), filling the gaps the
 * hand-offs between threads leave. What stayed: the detector resizes the next pyramid level while the current one's
 * tiles run (vision/detector.ts). Paired runs, before -> after: 2 workers 29.5-33.2 -> 32.2-33.7 photos/s and
 * 1.80-1.86 -> 1.87-1.88 cores; detect on 12 MP photos (bench/large-photos.ts) 101-125 -> 101-116 ms.
 * On 2026-12-02 (a faster host again: 33-45 CPU ms a photo, but one whose speed moved by half from run to run)
 * the speed-up is, identically, (cores busy with 2 / cores busy with 1) x (CPU ms a photo with 1 / with 2):
 * 1 worker 32.4-41.5 photos/s on 1.36 cores, 2 workers 41.6-53.0 on 1.88, and 41-42 -> 44-45 CPU ms a photo as
 * inference slows when both cores run it ([Note: what two cores give]: detect + describe alone vs two at once
 * 1.55-1.77x, not 2x), so (1.88 / 1.36) x (41 / 45) = 1.26, as measured (1.15-1.33x). A perf profile of a 1-worker
 * import put 47% of its CPU on the worker thread (ORT 27%, its JavaScript and V8 15%, kernel and libc 5%) and the
 * rest beside it: sharp on libuv's and libvips' threads 28%, the main thread 13%, V8's compiler and marker threads
 * 12%. The worker was busy about two thirds of the time. 1.6x at 1.88 cores needs one worker to keep no more than
 * about 1.08 cores busy: the work beside the worker cut by about 40%, or a second core left idle while one worker
 * runs (a slower import, not a better one).
 * Tried that day: jemalloc (LD_PRELOAD) for sharp's many small allocations cost 45-53 CPU ms a photo against
 * 33-41; dropping sharp's metadata() call would save 0.2 of the 3.7-4.3 CPU ms a decode costs. What stayed: the
 * first pyramid level starts resizing when detect is called, before the photo waits its turn for the models
 * (FaceDetector.start), so a worker no longer holds the models while sharp works; paired runs, before -> after:
 * 1 worker 32.4-35.7 -> 33.4-38.8 photos/s and 1.36-1.37 -> 1.42-1.44 cores; 2 workers 38.6-48.1 -> 38.0-44.5
 * photos/s (no change through that host's noise) and 1.88-1.89 -> 1.90-1.92 cores. It should matter most where
 * the pool runs fewer workers than cores (a GPU provider; not measured, there is none here).
 */
async function child(): Promise<void> {
  const engine = Engine.open(values.db!);
  const load0 = loadavg()[0]!;
  const main0 = threadCpuMs();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await engine.library.importFolders([values.folder!], {
    options: {
      ahead: Number(values.ahead),
      workers: Number(values.workers),
      perWorker: Number(values['per-worker']),
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const mainBusy = performance.eventLoopUtilization(elu0).utilization;
  const mainCpu = threadCpuMs() - main0;
  const analysed = s.added + s.changed;
  const t1 = performance.now();
  const again = await engine.library.importFolders([values.folder!]);
  const reimportS = (performance.now() - t1) / 1000;
  if (again.added + again.changed + again.removed !== 0)
    throw new Error(`re-import changed the library: ${JSON.stringify(again)}`);
  const r: RunResult = {
    ahead: Number(values.ahead),
    perWorker: Number(values['per-worker']),
    workers: s.workers,
    provider: s.provider ?? '-',
    load: `${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
    mainBusy,
    mainCpuMs: mainCpu / s.total,
    photos: s.total,
    faces: s.facesFound,
    failures: s.failures.length,
    wallS: wall,
    photosPerS: s.total / wall,
    coresBusy: (cpu.user + cpu.system) / 1e6 / wall,
    stageMs: Object.fromEntries(
      Object.entries(s.stageMs).map(([k, v]) => [
        k,
        v / Math.max(1, k === 'read' || k === 'hash' ? s.total : analysed),
      ]),
    ),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    reimportS,
  };
  await engine.close();
  console.log(JSON.stringify(r));
}

/**
 * A probe child of the two-at-once table: sets up (photos decoded, models loaded, warmed up), says "ready", waits
 * for "go" on stdin so that two children time the same seconds, then times its work and prints the result.
 * 'infer': detection and description (landmarks, align, embed) on `sample` decoded photos, five passes, one
 * thread; 'gemm': ORT's single-threaded SGEMM (bench/peak.ts).
 */
async function probeChild(kind: string, files: string[]): Promise<void> {
  const go = () =>
    new Promise<void>((resolve) => {
      process.stdout.write('ready\n');
      process.stdin.once('data', () => resolve());
    });
  if (kind === 'gemm') {
    await go();
    console.log(JSON.stringify({ value: await gemmGflops(512, 200) }));
  } else {
    sharp.concurrency(1);
    const images: DecodedImage[] = [];
    for (const f of files) images.push(await decodeImage(f));
    const v = await FacePipeline.load({ threads: 1 });
    const run = async (list: DecodedImage[]) => {
      for (const img of list) await v.describeMany(img, await v.detect(img));
    };
    await run(images.slice(0, 10)); // warm-up
    await go();
    const t0 = performance.now();
    for (let pass = 0; pass < 5; pass++) await run(images);
    console.log(JSON.stringify({ value: (performance.now() - t0) / (5 * images.length) }));
    await v.dispose();
  }
  process.stdin.destroy();
}

/** Runs `n` probe children of one kind at once (each set up first, then all started together); their results. */
async function runProbes(kind: string, n: number, folder: string): Promise<number[]> {
  const kids = Array.from({ length: n }, () => {
    const kid = startChild<{ value: number }>(['--probe', kind, '--folder', folder, '--sample', values.sample!]);
    const ready = new Promise<void>((resolve) => {
      let head = '';
      const listen = (d: Buffer) => {
        head += d;
        if (!head.startsWith('ready\n')) return;
        kid.c.stdout.off('data', listen);
        resolve();
      };
      kid.c.stdout.on('data', listen);
    });
    return { ...kid, ready };
  });
  await Promise.all(kids.map((k) => k.ready));
  for (const k of kids) k.c.stdin.write('go\n');
  return Promise.all(kids.map(async (k) => (await k.done).value));
}

/**
 * [Note: what two cores give] The table the import's speed-up is read against: the same work in one process alone,
 * then in two processes at once. For face inference (ms a photo) the speed-up of two at once is alone/a + alone/b;
 * no import with two workers can beat it, since each worker runs that inference and more beside it. For SGEMM
 * (GFLOP/s) it is (a + b)/alone: near 2 where the two cores are two cores' worth of vector units, near 1 where
 * they share them (hyperthreads of one physical core, or a host that gives the VM less than it shows).
 */
async function twoAtOnce(folder: string, rounds: number): Promise<void> {
  console.log(
    `\nwhat two cores give: the same work alone, then in two processes at once (${values.sample} photos for inference):`,
  );
  console.log('| work | round | alone | two at once, each | speed-up of two at once |\n|---|---|---|---|---|');
  const probes = [
    { kind: 'infer', label: 'detect + describe, ms/photo', digits: 1, up: (alone: number, x: number) => alone / x },
    { kind: 'gemm', label: 'ORT SGEMM 512, GFLOP/s', digits: 0, up: (alone: number, x: number) => x / alone },
  ];
  for (const p of probes)
    for (let r = 1; r <= rounds; r++) {
      const [alone] = await runProbes(p.kind, 1, folder);
      const pair = await runProbes(p.kind, 2, folder);
      const up = pair.reduce((a, x) => a + p.up(alone!, x), 0);
      console.log(
        `| ${p.label} | ${r} | ${alone!.toFixed(p.digits)} | ${pair.map((x) => x.toFixed(p.digits)).join(' / ')} | ${up.toFixed(2)}x |`,
      );
    }
  console.log('(see [Note: what two cores give]: two workers cannot import faster than the inference row allows)');
}

/** ms per face of landmarks, alignment and embedding, run one after another on a sample of photos. */
async function describeSplit(files: string[]): Promise<{ split: Record<string, number>; crops: Uint8Array[] }> {
  const v = await FacePipeline.load();
  const t = { detect: 0, landmarks: 0, align: 0, embed: 0 };
  let faces = 0;
  const crops: Uint8Array[] = [];
  for (const f of files) {
    const img = await decodeImage(f);
    let t0 = performance.now();
    const dets = await v.detect(img);
    t.detect += performance.now() - t0;
    for (const d of dets) {
      t0 = performance.now();
      const pts = await v.landmarks5(img, d.box);
      const t1 = performance.now();
      const crop = v.alignFace(img, pts);
      const t2 = performance.now();
      await v.embedAligned([crop]);
      const t3 = performance.now();
      t.landmarks += t1 - t0;
      t.align += t2 - t1;
      t.embed += t3 - t2;
      faces++;
      crops.push(crop);
    }
  }
  await v.dispose();
  return {
    split: {
      'detect ms/photo': t.detect / files.length,
      'landmarks ms/face': t.landmarks / faces,
      'align ms/face': t.align / faces,
      'embed ms/face': t.embed / faces,
    },
    crops,
  };
}

/** Embedding alone, on one core: wall and CPU ms per face at several batch sizes, over the same crops. */
async function embedBatches(crops: Uint8Array[], sizes: number[], floorMs: number): Promise<string[]> {
  const v = await FacePipeline.load();
  const rows: string[] = [];
  await v.embedAligned(crops.slice(0, 4)); // warm-up
  for (const b of sizes) {
    const reps = Math.max(1, Math.ceil(400 / crops.length));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++)
      for (let i = 0; i < crops.length; i += b) await v.embedAligned(crops.slice(i, i + b));
    const wall = (performance.now() - t0) / (reps * crops.length);
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000 / (reps * crops.length);
    rows.push(`| ${b} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${(cpu / floorMs).toFixed(2)}x |`);
  }
  await v.dispose();
  return rows;
}

async function parent(): Promise<void> {
  let folder = values.folder ?? defaultFolder();
  const work = mkdtempSync(join(tmpdir(), 'facelens-bench-'));
  try {
    const all = listImages(folder);
    if (values.limit) {
      const sub = join(work, 'subset');
      mkdirSync(sub);
      all
        .slice(0, Number(values.limit))
        .forEach((f, i) => copyFileSync(f, join(sub, `${String(i).padStart(5, '0')}.jpg`))); // copies: the import does not follow links out of its folder
      folder = sub;
    }
    const n = values.limit ? Math.min(Number(values.limit), all.length) : all.length;
    console.log(
      `import bench: ${n} photos from ${values.folder ?? 'celeba-wild'}, ${new Date().toISOString()}, ${availableParallelism()} cores, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const results: RunResult[] = [];
    let lastDb = '';
    let run = 0;
    for (let rep = 0; rep < Number(values.repeat); rep++)
      for (const workers of values.workers!.split(',').map(Number))
        for (const perWorker of values['per-worker']!.split(',').map(Number)) {
          const ahead = Number(values.ahead);
          lastDb = join(work, `lib-${run++}`, 'library.db');
          results.push(await runChild(childArgs(folder, lastDb, ahead, workers, perWorker)));
        }
    const stages = Object.keys(results[0]!.stageMs);
    /** photos/s over the mean of the 1-worker runs with the same photos per worker. */
    const base = (pw: number) => {
      const one = results.filter((r) => r.workers === 1 && r.perWorker === pw);
      return one.length ? one.reduce((a, r) => a + r.photosPerS, 0) / one.length : NaN;
    };
    console.log(
      '\n| workers | photos per worker | provider | ahead | photos | faces | faces/photo | failures | wall s | photos/s | x 1 worker | cores busy | main thread busy | main CPU ms/photo | CPU ms/photo | peak RSS MB | re-import s | load avg (1 min) | ' +
        stages.map((s) => `${s} ms`).join(' | ') +
        ' |',
    );
    console.log(
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|' + stages.map(() => '---|').join(''),
    );
    for (const r of results)
      console.log(
        `| ${r.workers} | ${r.perWorker} | ${r.provider} | ${r.ahead} | ${r.photos} | ${r.faces} | ${(r.faces / r.photos).toFixed(2)} | ${r.failures} | ${r.wallS.toFixed(1)} | ${r.photosPerS.toFixed(1)} | ${(r.photosPerS / base(r.perWorker)).toFixed(2)} | ${r.coresBusy.toFixed(2)} | ${r.mainBusy.toFixed(2)} | ${r.mainCpuMs.toFixed(1)} | ${((r.coresBusy * r.wallS * 1000) / r.photos).toFixed(1)} | ${r.peakRssMb.toFixed(0)} | ${r.reimportS.toFixed(2)} | ${r.load} | ` +
          stages.map((s) => r.stageMs[s]!.toFixed(1)).join(' | ') +
          ' |',
      );
    console.log(
      '(x 1 worker: photos/s over the mean of the 1-worker runs with as many photos per worker; load avg: the 1-minute load average when the run started -> ended)',
    );
    console.log(
      '(stage ms are per photo analysed, wall time inside each stage; stages overlap, so they sum past 1000/photos-per-s;',
    );
    console.log(
      ' CPU ms/photo = process CPU time (all threads) / photos: the figure other processes on the machine cannot inflate)',
    );
    if (values['side-by-side']) {
      const pw = Number(values['per-worker']!.split(',')[0]);
      const pair = await Promise.all(
        [0, 1].map((i) =>
          runChild(childArgs(folder, join(work, `pair-${i}`, 'library.db'), Number(values.ahead), 1, pw)),
        ),
      );
      const sum = pair[0]!.photosPerS + pair[1]!.photosPerS;
      const cpuMs = (r: RunResult) => ((r.coresBusy * r.wallS * 1000) / r.photos).toFixed(1);
      console.log(
        `\ntwo 1-worker imports side by side (each its own process and library, ${pw} photos per worker): ${pair.map((r) => r.photosPerS.toFixed(1)).join(' + ')} = ${sum.toFixed(1)} photos/s${Number.isNaN(base(pw)) ? '' : `, ${(sum / base(pw)).toFixed(2)}x one 1-worker import`}; CPU ms/photo ${pair.map(cpuMs).join(' / ')}; cores busy ${pair.map((r) => r.coresBusy.toFixed(2)).join(' + ')}`,
      );
    }

    if (!values['no-pair']) await twoAtOnce(folder, Math.max(2, Number(values.repeat)));

    const { split, crops } = await describeSplit(all.slice(0, Number(values.sample)));
    console.log(
      `\nstages one at a time on ${values.sample} photos (no overlap): ${Object.entries(split)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    const gflops = await gemmGflops();
    const floorMs = (EMBED_GFLOP * 1000) / gflops;
    console.log(
      `\nembedding alone on one core, ${crops.length} real aligned crops, load average ${loadavg()[0]!.toFixed(2)} (floor ${floorMs.toFixed(2)} ms/face: ${EMBED_GFLOP} GFLOP at the ${gflops.toFixed(0)} GFLOP/s ORT's SGEMM does on one core here, see [Note: embedding floor] in bench/peak.ts):`,
    );
    console.log('| batch | wall ms/face | CPU ms/face | CPU / floor |\n|---|---|---|---|');
    for (const row of await embedBatches(crops, [1, 8, 16], floorMs)) console.log(row);
    if (values['no-hnsw']) return;

    const engine = Engine.open(lastDb);
    const real = [...new FaceStore(engine.db).embeddings(activeEmbedder(engine.db).headId)].map((e) => e.vec);
    await engine.close();
    const rand = rng(5);
    for (const size of [real.length, Number(values['hnsw-n'])]) {
      const data = size > real.length ? augment(real, size) : real;
      const queries = Array.from({ length: 200 }, () => Math.floor(rand() * data.length));
      const truth = exactTopK(data, queries, 10);
      console.log(
        `\nHNSW on ${real.length} real face embeddings${size > real.length ? ` grown to ${size} with noisy copies` : ''} (200 queries, recall@10 vs exact):`,
      );
      console.log(
        hnswTable(
          measure(
            data,
            [
              { m: 16, efConstruction: 200, ef: 64 },
              { m: 32, efConstruction: 100, ef: 32 },
              { m: 32, efConstruction: 100, ef: 64 },
            ],
            queries,
            truth,
          ),
        ),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The command line of one bench child: one import of `folder` into a fresh library at `db`. */
function childArgs(folder: string, db: string, ahead: number, workers: number, perWorker: number): string[] {
  return [
    '--child',
    '--folder',
    folder,
    '--db',
    db,
    '--ahead',
    String(ahead),
    '--workers',
    String(workers),
    '--per-worker',
    String(perWorker),
  ];
}

/**
 * Starts a bench child (this script with `args`) with the engine process's environment, as the app starts it
 * (libuv's pool sized to the machine); `done` is the JSON it prints last. Several may run at once.
 */
function startChild<T>(args: string[]): { c: ChildProcessWithoutNullStreams; done: Promise<T> } {
  const c = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    env: engineProcessEnv(process.env),
  });
  let out = '';
  let err = '';
  c.stdout.on('data', (d: Buffer) => (out += d));
  c.stderr.on('data', (d: Buffer) => (err += d));
  const done = new Promise<T>((resolve, reject) => {
    c.on('error', reject);
    c.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T)
        : reject(new Error(`bench child failed: ${err}`)),
    );
  });
  return { c, done };
}

/** Runs one import bench child and returns its result (--side-by-side runs two at once). */
function runChild(args: string[]): Promise<RunResult> {
  return startChild<RunResult>(args).done;
}

await (values.probe
  ? probeChild(values.probe, listImages(values.folder ?? defaultFolder()).slice(0, Number(values.sample)))
  : values.child
    ? child()
    : parent());
