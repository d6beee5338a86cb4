// Engine (jobs): progress of a long job as a small union keyed on `status`, and the tracker that keeps its promises.

/**
 * [Note: progress promises] Listeners may rely on: `done` never decreases; `total` is fixed once the job leaves
 * 'scanning' (the work list is known before the first item is processed); exactly one final event, 'complete',
 * 'cancelled' or 'failed', comes last and nothing follows it. `rate` is items per second over a recent window,
 * `etaMs` the remaining items at that rate (undefined until a rate exists). test/unit/engine/jobs holds it to these.
 */
export type JobProgress =
  | { status: 'scanning'; found: number; failed: number }
  | {
      status: 'running';
      done: number;
      total: number;
      failed: number;
      rate: number;
      etaMs: number | undefined;
      current?: string;
    }
  | { status: 'complete'; done: number; total: number; failed: number; rate: number; elapsedMs: number }
  | { status: 'cancelled'; done: number; total: number; failed: number; elapsedMs: number }
  | { status: 'failed'; done: number; total: number; failed: number; error: string };

export type ProgressListener = (p: JobProgress) => void;

export const progressOptions = {
  /** Running events closer together than this are dropped (the last one of a burst is not: see tick()). */
  minIntervalMs: 100,
  /** Completions the rate is averaged over. */
  rateWindow: 32,
};

export class ProgressTracker {
  #phase: 'scanning' | 'running' | 'ended' = 'scanning';
  #found = 0;
  #failed = 0;
  #done = 0;
  #total = 0;
  #start = 0;
  #lastEmit = -Infinity;
  #stamps: number[] = [];
  readonly #listener: ProgressListener;
  readonly #now: () => number;
  readonly #opts: typeof progressOptions;

  constructor(
    listener: ProgressListener = () => undefined,
    now: () => number = () => performance.now(),
    opts: Partial<typeof progressOptions> = {},
  ) {
    this.#listener = listener;
    this.#now = now;
    this.#opts = { ...progressOptions, ...opts };
    this.#start = now();
  }

  get done(): number {
    return this.#done;
  }
  get total(): number {
    return this.#total;
  }
  get failed(): number {
    return this.#failed;
  }
  get ended(): boolean {
    return this.#phase === 'ended';
  }

  /** During scanning: items found so far and problems met. */
  scanned(found: number, failed: number): void {
    if (this.#phase !== 'scanning') throw new Error('scanned() after the scan ended');
    this.#found = found;
    this.#failed = failed;
    const t = this.#now();
    if (t - this.#lastEmit >= this.#opts.minIntervalMs) this.#emit({ status: 'scanning', found, failed }, t);
  }

  /** Ends scanning: `total` items will be processed. */
  begin(total: number): void {
    if (this.#phase !== 'scanning') throw new Error('begin() called twice');
    this.#phase = 'running';
    this.#total = total;
    this.#start = this.#now();
    this.#emitRunning(this.#start, undefined, true);
  }

  /** One item finished (`failed`: it could not be processed); emits at most every minIntervalMs, and always for the last. */
  tick(failed = false, current?: string): void {
    if (this.#phase !== 'running') throw new Error(`tick() while ${this.#phase}`);
    if (this.#done >= this.#total) throw new Error(`tick() past the total (${this.#total})`);
    this.#done++;
    if (failed) this.#failed++;
    const t = this.#now();
    this.#stamps.push(t);
    if (this.#stamps.length > this.#opts.rateWindow + 1) this.#stamps.shift();
    this.#emitRunning(t, current, this.#done === this.#total);
  }

  /** Problems found outside the per-item count (e.g. during the scan) still count as failed. */
  addFailed(n: number): void {
    this.#failed += n;
  }

  rate(t = this.#now()): number {
    const s = this.#stamps;
    if (s.length >= 2) return (s.length - 1) / Math.max(1e-3, (s[s.length - 1]! - s[0]!) / 1000);
    if (s.length === 1) return 1 / Math.max(1e-3, (t - this.#start) / 1000);
    return 0;
  }

  complete(): void {
    this.#end({
      status: 'complete',
      done: this.#done,
      total: this.#total,
      failed: this.#failed,
      rate: this.#overallRate(),
      elapsedMs: this.#now() - this.#start,
    });
  }

  cancel(): void {
    this.#end({
      status: 'cancelled',
      done: this.#done,
      total: this.#total,
      failed: this.#failed,
      elapsedMs: this.#now() - this.#start,
    });
  }

  fail(error: unknown): void {
    this.#end({
      status: 'failed',
      done: this.#done,
      total: this.#total,
      failed: this.#failed,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  #overallRate(): number {
    const secs = (this.#now() - this.#start) / 1000;
    return secs > 0 ? this.#done / secs : 0;
  }

  #end(p: JobProgress): void {
    if (this.#phase === 'ended') return;
    if (this.#phase === 'scanning') this.#total = 0;
    this.#phase = 'ended';
    this.#listener(p);
  }

  #emitRunning(t: number, current: string | undefined, force: boolean): void {
    if (!force && t - this.#lastEmit < this.#opts.minIntervalMs) return;
    const rate = this.rate(t);
    const left = this.#total - this.#done;
    this.#emit(
      {
        status: 'running',
        done: this.#done,
        total: this.#total,
        failed: this.#failed,
        rate,
        etaMs: rate > 0 ? (left / rate) * 1000 : undefined,
        ...(current ? { current } : {}),
      },
      t,
    );
  }

  #emit(p: JobProgress, t: number): void {
    this.#lastEmit = t;
    this.#listener(p);
  }
}
