// Engine (api): look-alikes — how well two people are told apart, a fine-tune that separates them, its stored before/after.
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import { listHeads } from '../arcface/heads.js';
import {
  fineTuneLookalikes,
  storedLookalike,
  type LookalikeReport,
  type LookalikeRunOptions,
} from '../lookalike/finetune.js';
import { separation } from '../lookalike/separation.js';
import { truthLookalikes, type ClosestPair } from '../lookalike/truth.js';
import type { HeadSeparation } from '../lookalike/finetune.js';
import { getPerson } from '../people/ops.js';
import type { Core } from './core.js';
import { startTrainJob, trainRunning } from './train-job.js';
import type { HeadsService } from './train.js';

// What the command line prints with.
export { histogramText, ratesTable } from '../lookalike/text.js';
export type { LookalikeReport, LookalikeRunOptions } from '../lookalike/finetune.js';

/**
 * [Note: look-alikes from the UI] The Person page asks for the separation of this person and another one
 * (under the active head, from stored features: instant), then may start a fine-tune: a 'train' job like the
 * Train page's, whose progress events carry the new head's id when it completes. The page then reads the stored
 * before/after of that head (`lookalike.report`) and offers `heads.activate`; nothing changes in the library
 * until the user activates.
 */
export class LookalikeService implements Service<'lookalike'> {
  constructor(
    private readonly c: Core,
    private readonly heads: HeadsService,
  ) {}

  separation(a: ParsedArgs<'lookalike.separation'>): Value<'lookalike.separation'> {
    this.#checkPair(a.a, a.b);
    if (a.headId !== undefined) this.#head(a.headId);
    return separation(this.c.db, a.a, a.b, a.headId);
  }

  report(a: ParsedArgs<'lookalike.report'>): Value<'lookalike.report'> {
    this.#head(a.headId);
    return storedLookalike(this.c.db, a.headId) ?? null;
  }

  fineTune(a: ParsedArgs<'lookalike.fineTune'>): Value<'lookalike.fineTune'> {
    this.#checkPair(a.a, a.b);
    return startTrainJob(this.c, 'look-alike fine-tune', 'preparing', async ({ base, emit, signal, idle }) => {
      const r = await this.run(a.a, a.b, {
        epochs: a.epochs,
        holdout: a.holdout,
        seed: a.seed,
        userOnly: a.userOnly,
        signal,
        onProgress: (p) => emit(trainRunning(base, p)),
      });
      const at = (s: typeof r.before) => s.stats.rates.find((x) => x.name === 'assignment')?.pairFmr ?? 0;
      emit({
        ...base,
        ...idle,
        epoch: r.epochs,
        status: r.cancelled ? 'cancelled' : 'complete',
        headId: r.headId,
        message: r.cancelled
          ? 'cancelled'
          : `A-vs-B false matches at the assignment threshold ${(100 * at(r.before)).toFixed(1)}% → ${(100 * at(r.after)).toFixed(1)}% (held-out faces)`,
      });
    });
  }

  /** The fine-tune itself, awaited: a new head stored (activated too with `activate`), with its before/after. */
  async run(
    a: number,
    b: number,
    o: LookalikeRunOptions & { userOnly?: boolean; activate?: boolean },
  ): Promise<LookalikeReport> {
    this.#checkPair(a, b);
    const r = await fineTuneLookalikes(this.c.db, a, b, o);
    if (r.headId !== null) {
      this.c.emit('library.changed', { reason: 'head trained' });
      if (o.activate) await this.heads.activate({ headId: r.headId });
    }
    return r;
  }

  /** The same on a labelled folder (nothing stored): A and B by folder name, or the closest pair. */
  truth(
    src: { root: string; aligned: boolean; onFeatures?: (done: number, total: number, cached: number) => void },
    names: { a?: string; b?: string },
    o: LookalikeRunOptions & { control?: boolean },
  ): Promise<LookalikeReport & { closest?: ClosestPair; control?: HeadSeparation }> {
    return truthLookalikes(this.c.db, { ...src, pipeline: () => this.c.vision() }, names, o);
  }

  /** Both people exist and differ. */
  #checkPair(a: number, b: number): void {
    getPerson(this.c.db, a);
    getPerson(this.c.db, b);
    if (a === b) throw new ApiError('conflict', 'choose two different people');
  }

  #head(id: number): void {
    if (!listHeads(this.c.db).some((h) => h.id === id)) throw new ApiError('not-found', `head ${id} does not exist`);
  }
}
