// Renderer state: the current page, from the URL hash (#/people/12, #/timeline?people=3,4&view=9), so Back/Forward and reloads keep the place.

export interface Route {
  parts: string[];
  /** The page's name; 'library' when the hash names none. */
  page: string;
  /** The id after the page (#/person/12), when it is a positive integer. */
  id: number | undefined;
  /** What follows '?' in the hash (#/timeline?people=3,4): a list's filter, the photo open in the viewer. */
  query: Record<string, string>;
}

/** Reads a location hash such as '#/person/12' or '#/timeline?people=3,4'. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const path = q < 0 ? text : text.slice(0, q);
  const parts = path.split('/').filter(Boolean);
  const n = Number(parts[1]);
  const query = q < 0 ? {} : Object.fromEntries(new URLSearchParams(text.slice(q + 1)));
  return { parts, page: parts[0] ?? 'library', id: Number.isInteger(n) && n > 0 ? n : undefined, query };
}

/** '#/timeline?people=3%2C4' for ('timeline', {people: '3,4'}); empty values are left out. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1])).toString();
  return `#/${path.replace(/^[#/]+/, '')}${q ? `?${q}` : ''}`;
}

export class Router {
  readonly #win: Window;
  #hash = $state('');
  #route = $derived(parseRoute(this.#hash));

  constructor(win: Window) {
    this.#win = win;
    this.#hash = win.location.hash;
    win.addEventListener('hashchange', () => (this.#hash = win.location.hash));
  }
  get parts(): string[] {
    return this.#route.parts;
  }
  get page(): string {
    return this.#route.page;
  }
  get id(): number | undefined {
    return this.#route.id;
  }
  get query(): Record<string, string> {
    return this.#route.query;
  }
  go(path: string): void {
    this.#win.location.hash = path.startsWith('#') ? path : `#${path}`;
  }
  /**
   * The same page with other query values (undefined removes one). `replace` changes the address without a new
   * history entry: the viewer's next/previous, so Back leaves the viewer instead of walking through every photo.
   */
  setQuery(change: Record<string, string | undefined>, o: { replace?: boolean } = {}): void {
    const next = href(this.#route.parts.join('/'), { ...this.#route.query, ...change });
    if (o.replace) {
      this.#win.history.replaceState(this.#win.history.state, '', next);
      this.#hash = this.#win.location.hash;
    } else this.#win.location.hash = next;
  }
  /** Back to where the user came from (the page under the viewer), or `fallback` when the app was opened here. */
  back(fallback: string): void {
    if (this.#win.history.length > 1) this.#win.history.back();
    else this.go(fallback);
  }
}
