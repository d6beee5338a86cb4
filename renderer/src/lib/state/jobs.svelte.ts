// Renderer state: the latest progress of each long job (imports, training), fed by 'job.progress' events.
import type { Api, ImportProgress, TrainProgress } from '../../../../src/shared/contract';

export class Jobs {
  #imports = $state<Record<string, ImportProgress>>({});
  #trains = $state<Record<string, TrainProgress[]>>({});
  readonly #off: () => void;

  constructor(api: Api) {
    this.#off = api.on('job.progress', (p) => {
      if (p.kind === 'import') this.#imports = { ...this.#imports, [p.jobId]: p };
      else this.#trains = { ...this.#trains, [p.jobId]: [...(this.#trains[p.jobId] ?? []), p] };
    });
  }
  get imports(): ImportProgress[] {
    return Object.values(this.#imports);
  }
  get activeImport(): ImportProgress | undefined {
    return this.imports.find((p) => p.status === 'scanning' || p.status === 'importing');
  }
  train(jobId: string | undefined): TrainProgress[] {
    return jobId ? (this.#trains[jobId] ?? []) : [];
  }
  /** Stops listening to the engine. */
  dispose(): void {
    this.#off();
  }
}
