// Renderer state: the current page, from the URL hash (#/people/12), so Back/Forward and reloads keep the place.
class Router {
  #hash = $state(location.hash || '#/library');

  constructor() {
    window.addEventListener('hashchange', () => (this.#hash = location.hash || '#/library'));
  }
  get parts(): string[] {
    return this.#hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  }
  get page(): string {
    return this.parts[0] ?? 'library';
  }
  get id(): number | undefined {
    const n = Number(this.parts[1]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }
  go(path: string): void {
    location.hash = path.startsWith('#') ? path : `#${path}`;
  }
}

export const router = new Router();
