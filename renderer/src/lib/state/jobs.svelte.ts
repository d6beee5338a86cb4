// Renderer state: the latest progress of each long job (imports, training), fed by 'job.progress' events.
import type { ImportProgress, TrainProgress } from '../../../../src/shared/contract';
import { api } from '../api';

class Jobs {
  #imports = $state<Record<string, ImportProgress>>({});
  #trains = $state<Record<string, TrainProgress[]>>({});

  constructor() {
    api.on('job.progress', (p) => {
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
}

export const jobs = new Jobs();
