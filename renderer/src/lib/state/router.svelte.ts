// Renderer state: the current page, from the URL hash (#/people/12), so Back/Forward and reloads keep the place.

export interface Route {
  parts: string[];
  /** The page's name; 'library' when the hash names none. */
  page: string;
  /** The id after the page (#/person/12), when it is a positive integer. */
  id: number | undefined;
}

/** Reads a location hash such as '#/person/12'. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const n = Number(parts[1]);
  return { parts, page: parts[0] ?? 'library', id: Number.isInteger(n) && n > 0 ? n : undefined };
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
  go(path: string): void {
    this.#win.location.hash = path.startsWith('#') ? path : `#${path}`;
  }
}
