// Renderer state: one list of photos (the timeline, a person's photos, people together, a search) — its months, the pages loaded so far, refreshed when the library changes.
import { SvelteMap } from 'svelte/reactivity';
import type { Api } from '../../../../src/shared/contract';
import type { PhotoCard, PhotoFilter } from '../../../../src/shared/schemas';
import { coalesce } from '../coalesce';
import type { Notices } from './notices.svelte';

/** Photos per request, and how long a burst of engine events is gathered into one refresh (ms). */
export const PHOTO_LIST_OPTIONS = { page: 150, refreshMs: 400 };

export interface Month {
  /** 'YYYY-MM' (the engine's local time) or 'undated'. */
  key: string;
  count: number;
  /** Index of the month's first photo in the list. */
  start: number;
}

/** A run of one month's photos in a row: the photos from `start` to `end`, with the month's title above when it begins there. */
export interface Segment {
  key: string;
  /** The month's title, on the segment where the month begins; null where a long month goes on. */
  label: string | null;
  /** Photos in the whole month. */
  count: number;
  start: number;
  end: number;
}

/** One row of the grid: up to `cols` photos, in one or more months' segments. */
export interface Row {
  segments: Segment[];
  /** Does a month begin in this row (the row then has a title band above its photos)? */
  titled: boolean;
}

/** "July 2019" for '2019-07' (in the user's language when the browser knows it). */
export function monthLabel(key: string, locale?: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return 'Undated';
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value formatted once, never changed
  return new Date(Number(m[1]), Number(m[2]) - 1, 1).toLocaleDateString(locale, { month: 'long', year: 'numeric' });
}

/**
 * [Note: month rows] The rows of a grid of `cols` columns, months newest first. A month whose photos fit in what is
 * left of the current row follows the month before it on that row, under its own title (as photo apps lay out
 * days); a month that does not fit begins a new row. So a list of a few photos a month reads as a compact grid, and
 * a big month as full rows. A month's photos are a contiguous range of the list (one order, [Note: photo lists]),
 * so the layout needs only the month counts: 100k photos lay out before a single photo is loaded.
 */
export function layoutRows(months: readonly Month[], cols: number): Row[] {
  const c = Math.max(1, cols);
  const rows: Row[] = [];
  let row: Row = { segments: [], titled: false };
  let used = 0;
  const next = () => {
    if (row.segments.length) rows.push(row);
    row = { segments: [], titled: false };
    used = 0;
  };
  for (const m of months) {
    if (used > 0 && m.count > c - used) next();
    let i = m.start;
    const end = m.start + m.count;
    let first = true;
    while (i < end) {
      if (used === c) next();
      const take = Math.min(c - used, end - i);
      row.segments.push({
        key: m.key,
        label: first ? monthLabel(m.key) : null,
        count: m.count,
        start: i,
        end: i + take,
      });
      row.titled ||= first;
      used += take;
      i += take;
      first = false;
    }
  }
  next();
  return rows;
}

/** A filter as URL query text and back (the list a page or the viewer shows rides in the address). */
export function filterToQuery(f: PhotoFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.personIds?.length) q.people = f.personIds.join(',');
  if (f.folder) q.folder = f.folder;
  if (f.from !== undefined) q.from = String(f.from);
  if (f.to !== undefined) q.to = String(f.to);
  return q;
}

export function filterFromQuery(q: Record<string, string | undefined>): PhotoFilter {
  const f: PhotoFilter = {};
  const people = (q.people ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  if (people.length) f.personIds = people.filter((n, i) => people.indexOf(n) === i).slice(0, 10);
  if (q.folder) f.folder = q.folder;
  const num = (s: string | undefined) =>
    s !== undefined && s !== '' && Number.isFinite(Number(s)) ? Number(s) : undefined;
  if (num(q.from) !== undefined) f.from = num(q.from);
  if (num(q.to) !== undefined) f.to = num(q.to);
  return f;
}

/**
 * [Note: a photo list in the renderer] The months arrive first (one small call), so the grid lays out every row
 * at once; photos are fetched a page at a time as their rows come into view (`ensure`). After a change in the
 * library (an import, a watched folder, a people edit) the months and the pages already seen are fetched again and
 * swapped in together, so the grid never blinks empty.
 */
export class PhotoList {
  readonly filter: PhotoFilter;
  #months = $state<Month[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  readonly #pages = new SvelteMap<number, PhotoCard[]>();
  /** Pages being fetched (bookkeeping, never rendered). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  readonly #loading = new Map<number, Promise<void>>();
  readonly #api: Api;
  readonly #notices: Notices;
  readonly #off: (() => void)[];
  #generation = 0;
  /** See [Note: refresh once per burst]. */
  readonly refreshSoon = coalesce(() => void this.refresh(), PHOTO_LIST_OPTIONS.refreshMs);

  constructor(api: Api, notices: Notices, filter: PhotoFilter = {}) {
    this.#api = api;
    this.#notices = notices;
    this.filter = filter;
    this.#off = [
      api.on('library.changed', () => this.refreshSoon()),
      api.on('people.changed', () => {
        if (filter.personIds?.length) this.refreshSoon();
      }),
    ];
  }
  get months(): Month[] {
    return this.#months;
  }
  get total(): number {
    return this.#total;
  }
  /** Has the first refresh answered? */
  get loaded(): boolean {
    return this.#loaded;
  }
  /** The photo at `index` when its page is loaded. */
  at(index: number): PhotoCard | undefined {
    return this.#pages.get(Math.floor(index / PHOTO_LIST_OPTIONS.page))?.[index % PHOTO_LIST_OPTIONS.page];
  }
  /** The index of a loaded photo, or -1. */
  indexOf(photoId: number): number {
    for (const [p, items] of this.#pages) {
      const i = items.findIndex((x) => x.id === photoId);
      if (i >= 0) return p * PHOTO_LIST_OPTIONS.page + i;
    }
    return -1;
  }
  /** Loads the page holding `index` (once; calls while it loads share it). */
  ensure(index: number): Promise<void> {
    if (index < 0 || index >= this.#total) return Promise.resolve();
    const page = Math.floor(index / PHOTO_LIST_OPTIONS.page);
    if (this.#pages.has(page)) return Promise.resolve();
    const running = this.#loading.get(page);
    if (running) return running;
    const gen = this.#generation;
    const p = this.#notices
      .attempt(() => this.#fetch(page))
      .then((items) => {
        if (items && gen === this.#generation) this.#pages.set(page, items);
      })
      .finally(() => this.#loading.delete(page));
    this.#loading.set(page, p);
    return p;
  }
  /** Reads the months and the pages already seen again, and swaps them in together. */
  async refresh(): Promise<void> {
    const gen = ++this.#generation;
    this.#loading.clear();
    await this.#notices.attempt(async () => {
      const months = await this.#api.photos.months(this.filter);
      const seen = [...this.#pages.keys()];
      const pages = await Promise.all(seen.map(async (p) => [p, await this.#fetch(p)] as const));
      if (gen !== this.#generation) return; // a newer refresh has begun
      let start = 0;
      this.#months = months.map((m) => {
        const at = start;
        start += m.count;
        return { ...m, start: at };
      });
      this.#total = start;
      this.#pages.clear();
      for (const [p, items] of pages) if (items.length) this.#pages.set(p, items);
      this.#loaded = true;
    });
  }
  /** Stops listening to the engine and drops a pending refresh. */
  dispose(): void {
    for (const off of this.#off) off();
    this.refreshSoon.cancel();
    this.#generation++;
  }
  async #fetch(page: number): Promise<PhotoCard[]> {
    const limit = PHOTO_LIST_OPTIONS.page;
    return (await this.#api.photos.list({ ...this.filter, offset: page * limit, limit })).items;
  }
}
