// Engine (host): contract handlers for look-alikes: the separation of two people, a fine-tune job to separate them, and its stored before/after.
import { ApiError } from '../../shared/result.js';
import { listHeads } from '../arcface/heads.js';
import { fineTuneLookalikes, storedLookalike } from '../lookalike/finetune.js';
import { separation } from '../lookalike/separation.js';
import { getPerson, PeopleError } from '../people/ops.js';
import type { Db } from '../store/db.js';
import type { Handlers } from './context.js';
import { notFound, startTrainJob, trainRunning } from './handlers-base.js';

/**
 * [Note: look-alikes from the UI] The Person page asks for the separation of this person and another one
 * (under the active head, from stored features: instant), then may start a fine-tune: a 'train' job like the
 * Train page's, whose progress events carry the new head's id when it completes. The page then reads the stored
 * before/after of that head (`lookalike.report`) and offers `heads.activate`; nothing changes in the library
 * until the user activates.
 */
/** Both people exist and differ, or an ApiError the UI understands. */
function checkPair(db: Db, a: number, b: number): void {
  try {
    getPerson(db, a);
    getPerson(db, b);
  } catch (err) {
    if (err instanceof PeopleError) throw new ApiError(err.code, err.message);
    throw err;
  }
  if (a === b) throw new ApiError('conflict', 'choose two different people');
}

export function lookalikeHandlers(): Handlers {
  return {
    'lookalike.separation': (a, ctx) => {
      checkPair(ctx.db, a.a, a.b);
      if (a.headId !== undefined && !listHeads(ctx.db).some((h) => h.id === a.headId)) notFound(`head ${a.headId}`);
      return separation(ctx.db, a.a, a.b, a.headId);
    },
    'lookalike.report': (a, ctx) => {
      if (!listHeads(ctx.db).some((h) => h.id === a.headId)) notFound(`head ${a.headId}`);
      return storedLookalike(ctx.db, a.headId) ?? null;
    },
    'lookalike.fineTune': (a, ctx) => {
      checkPair(ctx.db, a.a, a.b);
      return startTrainJob(ctx, 'look-alike fine-tune', 'preparing', async ({ base, emit, signal, idle }) => {
        const r = await fineTuneLookalikes(ctx.db, a.a, a.b, {
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
    },
  };
}
