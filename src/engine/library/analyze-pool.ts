// Engine (library): the import's analysis workers: one face pipeline per worker thread, photos handed out with backpressure.
import { availableParallelism, totalmem } from 'node:os';
import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { siblingModule, spawnModuleWorker } from '../compute/worker.js';
import {
  probeMachine,
  providerPlan,
  type ExecutionProvider,
  type ProviderFallback,
  type ProviderSetting,
} from '../vision/ort.js';
import type { FacePipeline } from '../vision/pipeline.js';
import { analyzePhoto, type AnalyzeJob, type AnalyzeResult } from './analyze.js';
import type { AnalyzeWorkerData, FromWorker, ToWorker } from './analyze-worker.js';

export const analyzePoolOptions = {
  /**
   * Analysis workers: one per core (see [Note: import pipeline]). On a GPU provider the device does the heavy
   * part and more workers than `gpuWorkers` only queue on it.
   */
  workers: availableParallelism(),
  gpuWorkers: 2,
  /**
   * Photos handed to one worker at a time: more than one lets the next photos decode, resize and render
   * thumbnails (sharp, on libuv threads) while the worker's thread is in inference, and bounds memory to this
   * many decoded photos per worker. 3 kept both cores busier than 2 on celeba-wild (bench/import.ts
   * --per-worker 2,3: 2 workers 1.84 cores busy and 46.4-46.9 photos/s against 1.82 and 45.5-45.7).
   */
  perWorker: 3,
  /**
   * [Note: pixels in flight] Decoded pixels all workers may hold at once: a photo costs about 8 bytes a pixel
   * while it is analysed (its RGB, libvips' buffers while decoding, the detector's resized copies), so the budget
   * is a quarter of the computer's memory at that rate (805 MP on 24 GiB, 268 MP on 8). A photo larger than
   * what is left waits for room, and one photo always runs however large, so 16 workers with 3 photos each
   * cannot hold 48 panoramas at once.
   */
  pixelBudget: Math.max(64e6, Math.round(totalmem() / 4 / 8)),
  /** What a photo whose header states no size (HEIC, WebP, TIFF, ...) is counted as: a large phone photo. */
  unknownPixels: 24e6,
};
export type AnalyzePoolOptions = typeof analyzePoolOptions;

/** Analyses photos somewhere (worker threads, or the calling thread with pipelines a test hands in). */
export interface Analyzer {
  /** Workers (or lanes) analysing side by side. */
  readonly workers: number;
  /** Photos it can take at once; `analyze` calls beyond that wait their turn. */
  readonly capacity: number;
  analyze(job: AnalyzeJob): Promise<AnalyzeResult>;
  /** The provider inference runs on, once known, and the ones that could not load. */
  readonly provider: ExecutionProvider | undefined;
  readonly fallbacks: ProviderFallback[];
  close(): Promise<void>;
}

/** The models could not be loaded at all (missing files, broken install): the import stops with this. */
export class AnalyzerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalyzerUnavailableError';
  }
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: number;
  pending: Map<number, (r: AnalyzeResult) => void>;
  dead: boolean;
}

/**
 * [Note: import pipeline] onnxruntime-node runs inference on the calling thread (see [Note: ORT threads]), so
 * the import analyses photos on worker threads, one face pipeline (1 intra-op thread per session) on each:
 * decode, detect, landmarks, alignment, embedding (every face of a photo in one batch) and thumbnails. The main
 * thread reads and hashes files, skips known content, and commits each result in its own transaction, in the scan's
 * order (see [Note: one transaction per photo], [Note: commit order]); it never holds decoded pixels. At most `perWorker` photos
 * wait at a worker and the importer reads no further ahead than the pool can take, so memory stays bounded
 * however large the library. A worker that dies fails only the photos it held, and a new one takes its place.
 */
export class AnalyzePool implements Analyzer {
  readonly #slots: Slot[] = [];
  readonly #waiting: (() => void)[] = [];
  readonly #data: AnalyzeWorkerData;
  readonly #o: AnalyzePoolOptions;
  #nextId = 1;
  #closed = false;
  #provider: ExecutionProvider | undefined;
  #fallbacks: ProviderFallback[] = [];
  /** Decoded pixels of the photos handed out and not yet answered (see [Note: pixels in flight]). */
  #pixels = 0;
  /** libvips' threads per image before this pool set it to 1 (see [Note: one image, one thread]). */
  #vipsThreads: number | undefined;

  /** Only the CPU can run inference here (no GPU provider to try): every worker starts at once. */
  readonly #cpuOnly: boolean;

  constructor(opts: Partial<AnalyzePoolOptions> & { setting?: ProviderSetting; dir?: string } = {}) {
    this.#o = { ...analyzePoolOptions, ...opts };
    this.#data = { setting: opts.setting ?? 'auto', threads: 1, ...(opts.dir ? { dir: opts.dir } : {}) };
    this.#cpuOnly = providerPlan(this.#data.setting, probeMachine()).every((p) => p === 'cpu');
  }

  get provider(): ExecutionProvider | undefined {
    return this.#provider;
  }

  get fallbacks(): ProviderFallback[] {
    return this.#fallbacks;
  }

  /** Workers this pool runs: one per core on CPU, fewer on a GPU. */
  get workers(): number {
    const n = Math.max(1, this.#o.workers);
    return this.#provider && this.#provider !== 'cpu' ? Math.min(n, this.#o.gpuWorkers) : n;
  }

  get capacity(): number {
    return this.workers * this.#o.perWorker;
  }

  /** The worker threads running now (diagnostics, and tests that stop one mid-photo). */
  get threads(): readonly Worker[] {
    return this.#slots.filter((s) => !s.dead).map((s) => s.worker);
  }

  #spawn(): Slot {
    // [Note: one image, one thread] The workers are the parallelism: each photo's decode, resizes and thumbnails
    // run on one libvips thread. libvips' default (a thread per core for every image) only adds thread hand-offs
    // on photos this size: measured on celeba-wild, 3 CPU ms of a photo's 36 (bench/import.ts). The setting is
    // the process's (one libvips), so the pool puts it back when it closes.
    if (this.#vipsThreads === undefined) {
      this.#vipsThreads = sharp.concurrency();
      sharp.concurrency(1);
    }
    const worker = spawnModuleWorker(siblingModule(import.meta.url, 'analyze-worker'), this.#data);
    const slot: Slot = { worker, ready: Promise.resolve(), busy: 0, pending: new Map(), dead: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.#provider = m.provider;
          this.#fallbacks = m.fallbacks;
          resolve();
        } else if (m.type === 'init-failed')
          reject(new AnalyzerUnavailableError(`cannot load the face models: ${m.error}`));
        else {
          const done = slot.pending.get(m.id);
          slot.pending.delete(m.id);
          slot.busy--;
          done?.(m.result);
          this.#wake();
        }
      });
      const died = (why: string) => {
        if (slot.dead) return;
        slot.dead = true;
        reject(new AnalyzerUnavailableError(`an analysis worker stopped: ${why}`));
        const idx = this.#slots.indexOf(slot);
        if (idx >= 0) this.#slots.splice(idx, 1);
        for (const done of slot.pending.values())
          done({ kind: 'failed', code: 'analyze', reason: `face analysis failed: ${why}`, ms: zeroMs() });
        slot.pending.clear();
        slot.busy = 0;
        this.#wake();
      };
      worker.on('error', (err) => died(err.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
    slot.ready.catch(() => undefined);
    this.#slots.push(slot);
    return slot;
  }

  #wake(): void {
    const w = this.#waiting.shift();
    w?.();
  }

  /** A ready worker with room, starting workers up to `workers`; waits while all are full. */
  async #slot(): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new Error('the analysis pool is closed');
      // Where a GPU provider may load, the first worker starts alone and the others once its provider is known
      // (see `workers`); on the CPU alone they all load their models side by side.
      if (this.#slots.length === 0) this.#spawn();
      if (this.#cpuOnly) while (this.#slots.length < this.workers) this.#spawn();
      await this.#slots[0]!.ready; // throws AnalyzerUnavailableError when the models cannot load
      while (this.#slots.length < this.workers) this.#spawn();
      let best: Slot | undefined;
      for (const s of this.#slots) {
        if (s.dead || s.busy >= this.#o.perWorker) continue;
        if (!best || s.busy < best.busy) best = s;
      }
      if (best) {
        try {
          await best.ready;
          return best;
        } catch {
          continue; // it died starting: the loop spawns another
        }
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Decoded pixels held by the workers now (diagnostics and tests; see [Note: pixels in flight]). */
  get pixelsInFlight(): number {
    return this.#pixels;
  }

  async analyze(job: AnalyzeJob): Promise<AnalyzeResult> {
    const px = Math.max(1, job.pixels ?? this.#o.unknownPixels);
    while (this.#pixels > 0 && this.#pixels + px > this.#o.pixelBudget) {
      if (this.#closed) throw new Error('the analysis pool is closed');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#pixels += px; // taken before the wait for a worker, so no other photo counts on this room
    const release = () => {
      this.#pixels -= px;
      for (const w of this.#waiting.splice(0)) w(); // room for any of them: each checks again
    };
    let slot: Slot;
    try {
      slot = await this.#slot();
    } catch (err) {
      release();
      throw err;
    }
    return this.#send(slot, job).finally(release);
  }

  #send(slot: Slot, job: AnalyzeJob): Promise<AnalyzeResult> {
    const id = this.#nextId++;
    slot.busy++;
    // The file's bytes move to the worker without a copy when they own their buffer (a pooled Buffer does not).
    const own = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength;
    const bytes = own && job.bytes.buffer instanceof ArrayBuffer ? job.bytes : new Uint8Array(job.bytes);
    return new Promise<AnalyzeResult>((resolve) => {
      slot.pending.set(id, resolve);
      const msg: ToWorker = { type: 'job', id, job: { ...job, bytes } };
      slot.worker.postMessage(msg, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w();
    await Promise.all(
      this.#slots.splice(0).map(async (s) => {
        s.dead = true;
        const msg: ToWorker = { type: 'close' };
        s.worker.postMessage(msg);
        const exited = new Promise((r) => s.worker.once('exit', r));
        const t = setTimeout(() => void s.worker.terminate(), 5000);
        await exited;
        clearTimeout(t);
      }),
    );
    if (this.#vipsThreads !== undefined) sharp.concurrency(this.#vipsThreads);
    this.#vipsThreads = undefined;
  }
}

function zeroMs(): Record<'decode' | 'detect' | 'describe' | 'thumbs', number> {
  return { decode: 0, detect: 0, describe: 0, thumbs: 0 };
}

/**
 * Analysis on the calling thread with pipelines the caller owns (tests that load the models once for many
 * libraries): `lanes` photos at a time, each on its own pipeline. Inference then holds the calling thread (see
 * [Note: ORT threads]); only decoding overlaps.
 */
export class InThreadAnalyzer implements Analyzer {
  readonly #free: number[];
  readonly #waiting: (() => void)[] = [];
  #provider: ExecutionProvider | undefined;
  constructor(
    private readonly vision: (lane: number) => Promise<FacePipeline>,
    readonly workers = 2,
  ) {
    this.#free = Array.from({ length: workers }, (_, i) => i);
  }

  get capacity(): number {
    return this.workers;
  }

  get provider(): ExecutionProvider | undefined {
    return this.#provider;
  }

  get fallbacks(): ProviderFallback[] {
    return [];
  }

  async analyze(job: AnalyzeJob): Promise<AnalyzeResult> {
    while (this.#free.length === 0) await new Promise<void>((r) => this.#waiting.push(r));
    const lane = this.#free.shift()!;
    try {
      const pipeline = await this.vision(lane);
      this.#provider = pipeline.provider;
      return await analyzePhoto(pipeline, job);
    } catch (err) {
      return {
        kind: 'failed',
        code: 'analyze',
        reason: `face analysis failed: ${(err as Error).message}`,
        ms: zeroMs(),
      };
    } finally {
      this.#free.push(lane);
      this.#waiting.shift()?.();
    }
  }

  async close(): Promise<void> {}
}
