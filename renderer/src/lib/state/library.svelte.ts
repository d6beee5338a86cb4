// Renderer state: the library's folders, figures and failed files, refreshed when the engine says the library changed.
import type { Api, Value } from '../../../../src/shared/contract';
import type { Failure, Folder, Stats } from '../../../../src/shared/schemas';
import { coalesce } from '../coalesce';
import type { Notices } from './notices.svelte';

/** How long a burst of events is gathered into one refresh (ms), and how many failed files are listed. */
export const LIBRARY_OPTIONS = { refreshMs: 400, failures: 500 };

export class Library {
  #folders = $state<Folder[]>([]);
  #stats = $state<Stats | undefined>();
  #failures = $state<{ total: number; items: Failure[] }>({ total: 0, items: [] });
  #watch = $state<Value<'watch.status'> | undefined>();
  readonly #api: Api;
  readonly #notices: Notices;
  readonly #off: (() => void)[];
  /** See [Note: refresh once per burst]. */
  readonly refreshSoon = coalesce(() => void this.refresh(), LIBRARY_OPTIONS.refreshMs);

  constructor(api: Api, notices: Notices) {
    this.#api = api;
    this.#notices = notices;
    this.#off = [
      api.on('library.changed', () => this.refreshSoon()),
      api.on('job.progress', (p) => {
        if (p.kind === 'import') this.refreshSoon();
      }),
    ];
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
  /** The watched folders ([Note: watched folders]): new photos in them arrive without a rescan. */
  get watch(): Value<'watch.status'> | undefined {
    return this.#watch;
  }
  async refresh(): Promise<void> {
    const api = this.#api;
    await this.#notices.attempt(async () => {
      const [folders, stats, failures, watch] = await Promise.all([
        api.library.folders(),
        api.library.stats(),
        api.library.failures({ limit: LIBRARY_OPTIONS.failures }),
        api.watch.status(),
      ]);
      this.#watch = watch;
      this.#folders = folders;
      this.#stats = stats;
      this.#failures = failures;
    });
  }
  /** Stops listening to the engine and drops a pending refresh. */
  dispose(): void {
    for (const off of this.#off) off();
    this.refreshSoon.cancel();
  }
}
