// Renderer state: which file each face came from, looked up when a face is first hovered and kept (faces' files seldom change).
import { SvelteMap } from 'svelte/reactivity';
import type { Api } from '../../../../src/shared/contract';

/** How many faces' files are remembered before the oldest are forgotten. */
export const SOURCE_OPTIONS = { keep: 2000 };

export class FaceSources {
  readonly #api: Api;
  readonly #known = new SvelteMap<number, string | null>();
  /** Faces being looked up (bookkeeping, never rendered). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  readonly #asking = new Set<number>();

  constructor(api: Api) {
    this.#api = api;
  }
  /** The file of a face once known: a path, null (its photo has no file now), or undefined (not asked yet). */
  get(faceId: number): string | null | undefined {
    return this.#known.get(faceId);
  }
  /** Looks the face's file up (once); errors leave it unknown. */
  async ask(faceId: number): Promise<void> {
    if (this.#known.has(faceId) || this.#asking.has(faceId)) return;
    this.#asking.add(faceId);
    try {
      const s = await this.#api.faces.source({ faceId });
      if (this.#known.size >= SOURCE_OPTIONS.keep) this.#known.delete(this.#known.keys().next().value!);
      this.#known.set(faceId, s.path);
    } catch {
      // a face that left the library: nothing to show
    } finally {
      this.#asking.delete(faceId);
    }
  }
}
