// Renderer state: the library's folders, figures and failed files, refreshed when the engine says the library changed.
import type { Failure, Folder, Stats } from '../../../../src/shared/schemas';
import { api } from '../api';
import { attempt } from './notices.svelte';

class Library {
  #folders = $state<Folder[]>([]);
  #stats = $state<Stats | undefined>();
  #failures = $state<{ total: number; items: Failure[] }>({ total: 0, items: [] });
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    api.on('library.changed', () => this.refreshSoon());
    api.on('job.progress', (p) => {
      if (p.kind === 'import') this.refreshSoon();
    });
  }
  get folders(): Folder[] {
    return this.#folders;
  }
  get stats(): Stats | undefined {
    return this.#stats;
  }
  get failures(): { total: number; items: Failure[] } {
    return this.#failures;
  }
  /** Coalesces bursts of events (one refresh per 400 ms at most). */
  refreshSoon(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, 400);
  }
  async refresh(): Promise<void> {
    await attempt(async () => {
      const [folders, stats, failures] = await Promise.all([
        api.library.folders(),
        api.library.stats(),
        api.library.failures({ limit: 500 }),
      ]);
      this.#folders = folders;
      this.#stats = stats;
      this.#failures = failures;
    });
  }
}

export const library = new Library();
