// Renderer state: the search box of every page — people by name, people together, folders, dates and pages, as links, newest answer only.
import type { Api } from '../../../../src/shared/contract';
import type { Notices } from './notices.svelte';
import { href } from './router.svelte';

/** How long typing pauses before the engine is asked (ms), and results per kind. */
export const SEARCH_OPTIONS = { debounceMs: 120, limit: 6 };

export interface SearchItem {
  kind: 'together' | 'person' | 'photos' | 'folder' | 'date' | 'page';
  label: string;
  detail: string;
  /** Where choosing it goes (a hash). */
  href: string;
}

/**
 * [Note: search box] One search box serves every page (Ctrl+K or '/' focuses it). The engine interprets the text
 * (search.query: names, "Anna and Ben", folders, months); this class turns its answer into links and keeps only the
 * answer to the latest text, so a slow reply to an earlier keystroke never replaces a newer one.
 */
export class Search {
  #text = $state('');
  #items = $state<SearchItem[]>([]);
  #busy = $state(false);
  readonly #api: Api;
  readonly #notices: Notices;
  readonly #pages: readonly (readonly [string, string])[];
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: Api, notices: Notices, pages: readonly (readonly [string, string])[]) {
    this.#api = api;
    this.#notices = notices;
    this.#pages = pages;
  }
  get text(): string {
    return this.#text;
  }
  get items(): SearchItem[] {
    return this.#items;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** Sets the text and asks the engine once typing pauses. */
  set text(v: string) {
    this.#text = v;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.run(), SEARCH_OPTIONS.debounceMs);
  }
  /** Asks the engine now for the current text. */
  async run(): Promise<void> {
    clearTimeout(this.#timer);
    const q = this.#text.trim();
    const seq = ++this.#seq;
    if (!q) {
      this.#items = [];
      return;
    }
    this.#busy = true;
    const r = await this.#notices.attempt(() => this.#api.search.query({ q, limit: SEARCH_OPTIONS.limit }));
    if (seq !== this.#seq) return;
    this.#busy = false;
    if (!r) {
      this.#items = [];
      return;
    }
    const items: SearchItem[] = [];
    const name = (p: { name: string | null; id: number }) => p.name ?? `Unnamed #${p.id}`;
    if (r.together.length)
      items.push({
        kind: 'together',
        label: r.together.map(name).join(' and '),
        detail: 'photos together',
        href: href('timeline', { people: r.together.map((p) => p.id).join(',') }),
      });
    for (const p of r.people) {
      items.push({ kind: 'person', label: name(p), detail: `${p.faceCount} faces`, href: href(`person/${p.id}`) });
      items.push({
        kind: 'photos',
        label: `Photos of ${name(p)}`,
        detail: 'newest first',
        href: href(`photos/${p.id}`),
      });
    }
    for (const d of r.dates)
      items.push({
        kind: 'date',
        label: `Photos from ${d.label}`,
        detail: 'timeline',
        href: href('timeline', { from: String(d.from), to: String(d.to) }),
      });
    for (const f of r.folders)
      items.push({
        kind: 'folder',
        label: f.path,
        detail: `${f.files} files`,
        href: href('timeline', { folder: f.path }),
      });
    const low = q.toLowerCase();
    for (const [page, label] of this.#pages)
      if (label.toLowerCase().includes(low)) items.push({ kind: 'page', label, detail: 'page', href: href(page) });
    this.#items = items;
  }
  clear(): void {
    clearTimeout(this.#timer);
    this.#seq++;
    this.#text = '';
    this.#items = [];
    this.#busy = false;
  }
  dispose(): void {
    clearTimeout(this.#timer);
    this.#seq++;
  }
}
