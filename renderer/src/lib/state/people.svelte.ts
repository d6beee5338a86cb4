// Renderer state: the people grid (all people, paged in), the selection, and the undo history.
import { SvelteSet } from 'svelte/reactivity';
import type { Api } from '../../../../src/shared/contract';
import type { HistoryEntry, Person } from '../../../../src/shared/schemas';
import { coalesce } from '../coalesce';
import type { Notices } from './notices.svelte';

/** How long a burst of events is gathered into one refresh (ms), people per request, history entries shown. */
export const PEOPLE_OPTIONS = { refreshMs: 250, page: 5000, history: 30 };

export class People {
  #items = $state<Person[]>([]);
  #total = $state(0);
  #history = $state<HistoryEntry[]>([]);
  #showHidden = $state(false);
  #loaded = $state(false);
  readonly #selected = new SvelteSet<number>();
  readonly #api: Api;
  readonly #notices: Notices;
  readonly #off: (() => void)[];
  /** See [Note: refresh once per burst]. */
  readonly refreshSoon = coalesce(() => void this.refresh(), PEOPLE_OPTIONS.refreshMs);

  constructor(api: Api, notices: Notices) {
    this.#api = api;
    this.#notices = notices;
    this.#off = [
      api.on('people.changed', () => this.refreshSoon()),
      api.on('job.progress', (p) => {
        if (p.status === 'complete') this.refreshSoon();
      }),
    ];
  }
  get items(): Person[] {
    return this.#items;
  }
  get total(): number {
    return this.#total;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get selected(): ReadonlySet<number> {
    return this.#selected;
  }
  get history(): HistoryEntry[] {
    return this.#history;
  }
  get showHidden(): boolean {
    return this.#showHidden;
  }
  set showHidden(v: boolean) {
    this.#showHidden = v;
    void this.refresh();
  }
  byId(id: number): Person | undefined {
    return this.#items.find((p) => p.id === id);
  }
  toggle(id: number): void {
    if (!this.#selected.delete(id)) this.#selected.add(id);
  }
  clearSelection(): void {
    this.#selected.clear();
  }
  async refresh(): Promise<void> {
    const api = this.#api;
    await this.#notices.attempt(async () => {
      const all: Person[] = [];
      let total = 0;
      for (let offset = 0; ; offset += PEOPLE_OPTIONS.page) {
        const page = await api.people.list({ offset, limit: PEOPLE_OPTIONS.page, includeHidden: this.#showHidden });
        all.push(...page.items);
        total = page.total;
        if (page.items.length < PEOPLE_OPTIONS.page) break;
      }
      this.#items = all;
      this.#total = total;
      this.#loaded = true;
      for (const id of this.#selected) if (!this.byId(id)) this.#selected.delete(id);
      this.#history = await api.history.list({ limit: PEOPLE_OPTIONS.history });
    });
  }
  /** Merges the selected people into the one with most faces (or `into`). */
  async mergeSelected(into?: number): Promise<void> {
    const notices = this.#notices;
    const ids = [...this.#selected];
    if (ids.length < 2 && into === undefined) return notices.info('Select two or more people to merge.');
    const target = into ?? [...ids].sort((a, b) => (this.byId(b)?.faceCount ?? 0) - (this.byId(a)?.faceCount ?? 0))[0]!;
    const from = ids.filter((id) => id !== target);
    const p = await notices.attempt(() => this.#api.people.merge({ intoId: target, fromIds: from }));
    if (p) {
      notices.info(`Merged ${from.length + 1} people into ${p.name ?? 'one person'} (Ctrl+Z undoes).`);
      this.clearSelection();
    }
  }
  async undo(): Promise<void> {
    const r = await this.#notices.attempt(() => this.#api.history.undo());
    if (r) this.#notices.info(r.entry ? `Undone: ${r.entry.summary}` : 'Nothing to undo.');
  }
  async redo(): Promise<void> {
    const r = await this.#notices.attempt(() => this.#api.history.redo());
    if (r) this.#notices.info(r.entry ? `Redone: ${r.entry.summary}` : 'Nothing to redo.');
  }
  /** Stops listening to the engine and drops a pending refresh. */
  dispose(): void {
    for (const off of this.#off) off();
    this.refreshSoon.cancel();
  }
}
