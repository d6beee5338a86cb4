// Engine (api): clustering quality on a labelled folder — imported into a library of its own through this same facade, then scored.
import { evaluateClusters, type EvalOptions, type EvalReport } from '../cluster/evaluate.js';
import { Engine } from './engine.js';

/** `facelens eval-clusters`: see [Note: eval-clusters] in cluster/evaluate.ts. */
export function evaluateTruth(o: EvalOptions): Promise<EvalReport> {
  return evaluateClusters(o, (dbPath) => {
    const engine = Engine.open(dbPath);
    return {
      db: engine.db,
      importFolders: (paths) => engine.library.importFolders(paths),
      importAligned: (files, log) => engine.library.importAligned(files, log),
      close: () => engine.close(),
    };
  });
}
