// Renderer state: the library's folders, figures and failed files, refreshed when the engine says the library or its people changed; says when an import ends.
import type { Api, ImportProgress, Value } from '../../../../src/shared/contract';
import type { Failure, Folder, Stats } from '../../../../src/shared/schemas';
import { SvelteSet } from 'svelte/reactivity';
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
  /** Imports whose end the user was told of (once each, whatever events follow). */
  readonly #told = new SvelteSet<string>();
  /** See [Note: refresh once per burst]. */
  readonly refreshSoon = coalesce(() => void this.refresh(), LIBRARY_OPTIONS.refreshMs);

  constructor(api: Api, notices: Notices) {
    this.#api = api;
    this.#notices = notices;
    this.#off = [
      api.on('library.changed', () => this.refreshSoon()),
      // Merges, splits and assignments change the people and unknown-face counts the sidebar and tabs show.
      api.on('people.changed', () => this.refreshSoon()),
      api.on('job.progress', (p) => {
        if (p.kind !== 'import') return;
        this.refreshSoon();
        this.#ended(p);
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
  /**
   * Says that an import started; its end takes this notice's place. Nothing when the end was already told (a small
   * import can end before the request that started it is answered).
   */
  started(jobId: string, text: string): void {
    if (!this.#told.has(jobId)) this.#notices.info(text, importTopic(jobId));
  }
  /** Says once, on whichever page the user is, that an import ended and what it brought. */
  #ended(p: ImportProgress): void {
    if (p.status === 'scanning' || p.status === 'importing' || this.#told.has(p.jobId)) return;
    this.#told.add(p.jobId);
    const topic = importTopic(p.jobId);
    if (p.status === 'complete') this.#notices.info(`Import finished: ${p.message ?? `${p.done} photos`}.`, topic);
    else if (p.status === 'cancelled')
      this.#notices.info(`Import cancelled after ${p.done} of ${p.total} photos.`, topic);
    else this.#notices.error(`Import failed: ${p.message ?? 'no reason given'}`, topic);
  }
  /** Stops listening to the engine and drops a pending refresh. */
  dispose(): void {
    for (const off of this.#off) off();
    this.refreshSoon.cancel();
  }
}

/** The notices about one import: its start, then its end in the start's place. */
const importTopic = (jobId: string) => `import ${jobId}`;
