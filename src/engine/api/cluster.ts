// Engine (api): grouping faces into people — full re-cluster (preview, apply), new faces only, what the thresholds mean.
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import { algorithmByName, DEFAULT_ALGORITHM } from '../cluster/algorithms.js';
import { assignNewFaces, type AssignResult } from '../cluster/incremental.js';
import { linkageOptions } from '../cluster/linkage.js';
import { reclusterAsync, type ReclusterResult } from '../cluster/recluster.js';
import { thresholdReport, type ThresholdReport } from '../cluster/thresholds.js';
import type { Core } from './core.js';

// What the command line names in its usage text and checks its options against.
export { algorithmByName, ALGORITHMS, DEFAULT_ALGORITHM } from '../cluster/algorithms.js';
export { thresholdOptions } from '../cluster/thresholds.js';

export interface ClusterRunOptions {
  /** Clustering method (default: the library's default, average linkage). */
  algorithm?: string;
  /** Overrides of the method's thresholds (e.g. { threshold: 0.4 }). */
  options?: Record<string, number>;
  /** Quality gate; default the user's setting. */
  minQuality?: number;
  /** Plan only: what would move, nothing changed. */
  preview?: boolean;
}

export class ClusterService implements Service<'cluster'> {
  constructor(private readonly c: Core) {}

  /** What a full re-cluster would change, without changing it. */
  async preview(_a: ParsedArgs<'cluster.preview'> = {}): Promise<Value<'cluster.preview'>> {
    const { plan } = await this.run({ preview: true });
    return {
      peopleBefore: plan.peopleBefore,
      peopleAfter: plan.peopleAfter,
      facesMoved: plan.facesMoved,
      newPeople: plan.newPeople,
      removedPeople: plan.removedPeople,
      changes: plan.changes.map((c) => ({ personId: c.personId, name: c.name, gained: c.gained, lost: c.lost })),
    };
  }

  async apply(_a: ParsedArgs<'cluster.apply'> = {}): Promise<Value<'cluster.apply'>> {
    return (await this.run({})).applied ?? { people: 0, unknown: 0 };
  }

  /**
   * A full re-cluster with the user's quality gate unless overridden: keeps every name, confirmation, rejection
   * and merge; one undo step. Applying runs in the serial queue (see [Note: one serial queue]).
   */
  run(o: ClusterRunOptions): Promise<ReclusterResult> {
    const name = o.algorithm ?? DEFAULT_ALGORITHM;
    try {
      algorithmByName(name);
    } catch (err) {
      throw new ApiError('invalid-args', (err as Error).message);
    }
    const go = async () => {
      const r = await reclusterAsync(this.c.db, {
        algorithm: name,
        ...(o.options ? { options: o.options } : {}),
        minQuality: o.minQuality ?? this.c.settings().minQuality,
        preview: o.preview ?? false,
      });
      if (!o.preview) this.c.emit('people.changed', { reason: 'recluster' });
      return r;
    };
    return o.preview ? go() : this.c.serial(go);
  }

  /** Only the faces in nobody: they join people when close enough (the user's assignment threshold), the rest group. */
  assignNew(o: { algorithm?: string; threshold?: number; minQuality?: number } = {}): Promise<AssignResult> {
    return this.c.serial(() => {
      const s = this.c.settings();
      const r = assignNewFaces(this.c.db, {
        ...(o.algorithm ? { algorithm: o.algorithm } : {}),
        threshold: o.threshold ?? s.assignThreshold,
        minQuality: o.minQuality ?? s.minQuality,
      });
      this.c.emit('people.changed', { reason: 'assign' });
      return r;
    });
  }

  /** What the clustering, assignment and suggestion thresholds mean on the user's own named people (TAR, FAR). */
  explain(o: { clusterThreshold?: number; minQuality?: number } = {}): ThresholdReport {
    const s = this.c.settings();
    return thresholdReport(
      this.c.db,
      [
        { name: 'clustering (mean cosine to a group)', value: o.clusterThreshold ?? linkageOptions.threshold },
        { name: 'joining a person on import', value: s.assignThreshold },
        { name: '"Is this X?" suggestions', value: s.suggestThreshold },
      ],
      { minQuality: o.minQuality ?? s.minQuality },
    );
  }
}
