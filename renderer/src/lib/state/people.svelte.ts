// Renderer state: the people grid (all people, paged in), the selection, and the undo history.
import type { HistoryEntry, Person } from '../../../../src/shared/schemas';
import { api } from '../api';
import { attempt, notices } from './notices.svelte';

class People {
  #items = $state<Person[]>([]);
  #total = $state(0);
  #selected = $state<Set<number>>(new Set());
  #history = $state<HistoryEntry[]>([]);
  #showHidden = $state(false);
  #loaded = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    api.on('people.changed', () => this.refreshSoon());
    api.on('job.progress', (p) => {
      if (p.status === 'complete') this.refreshSoon();
    });
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
  get selected(): Set<number> {
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
    const next = new Set(this.#selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.#selected = next;
  }
  clearSelection(): void {
    this.#selected = new Set();
  }
  refreshSoon(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, 250);
  }
  async refresh(): Promise<void> {
    await attempt(async () => {
      const all: Person[] = [];
      let total = 0;
      for (let offset = 0; ; offset += 5000) {
        const page = await api.people.list({ offset, limit: 5000, includeHidden: this.#showHidden });
        all.push(...page.items);
        total = page.total;
        if (page.items.length < 5000) break;
      }
      this.#items = all;
      this.#total = total;
      this.#loaded = true;
      const ids = new Set(all.map((p) => p.id));
      this.#selected = new Set([...this.#selected].filter((id) => ids.has(id)));
      this.#history = await api.history.list({ limit: 30 });
    });
  }
  /** Merges the selected people into the one with most faces (or `into`). */
  async mergeSelected(into?: number): Promise<void> {
    const ids = [...this.#selected];
    if (ids.length < 2 && into === undefined) return notices.info('Select two or more people to merge.');
    const target = into ?? [...ids].sort((a, b) => (this.byId(b)?.faceCount ?? 0) - (this.byId(a)?.faceCount ?? 0))[0]!;
    const from = ids.filter((id) => id !== target);
    const p = await attempt(() => api.people.merge({ intoId: target, fromIds: from }));
    if (p) {
      notices.info(`Merged ${from.length + 1} people into ${p.name ?? 'one person'} (Ctrl+Z undoes).`);
      this.clearSelection();
    }
  }
  async undo(): Promise<void> {
    const r = await attempt(() => api.history.undo());
    if (r) notices.info(r.entry ? `Undone: ${r.entry.summary}` : 'Nothing to undo.');
  }
  async redo(): Promise<void> {
    const r = await attempt(() => api.history.redo());
    if (r) notices.info(r.entry ? `Redone: ${r.entry.summary}` : 'Nothing to redo.');
  }
}

export const people = new People();
