// Engine (library): lets numbered steps 0, 1, 2, ... take their turn in number order, whatever order they get ready in.

/**
 * [Note: commit order] The import analyses photos side by side and they finish in whatever order the workers
 * happen to; committing them as they finished gave face ids, and the order the HNSW index and the clustering kNN graph
 * receive faces in, that differed from one import of the same folders to the next, and with them the groups
 * (the density baseline gave BCubed F 0.886 and 0.895 on two imports of celeba-wild). Each photo therefore waits
 * for its turn, in the scan's order (names sorted, folders in the order given), before it writes anything: the same
 * folders give the same ids, index and groups on any machine and with any number of workers. A photo that drops
 * out (a cancel) gives up its turn without writing. Waiting costs the workers nothing while the photos that are
 * done wait within the importer's `reorder` bound.
 */
export class InOrder {
  #next = 0;
  readonly #done = new Set<number>();
  readonly #waiting = new Map<number, () => void>();

  /** The number whose turn it is: every smaller one is done. */
  get next(): number {
    return this.#next;
  }

  /** Steps waiting for their turn. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Resolves when every step before `i` is done (at once when it is `i`'s turn already). */
  turn(i: number): Promise<void> {
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`step ${i} is not a whole number >= 0`);
    if (i < this.#next || this.#done.has(i)) throw new Error(`step ${i} is already done`);
    if (this.#waiting.has(i)) throw new Error(`step ${i} is already waiting`);
    if (i === this.#next) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.set(i, resolve));
  }

  /** Step `i` is done (or gives up its turn); the next step in order goes on. Saying it twice is harmless. */
  done(i: number): void {
    if (i < this.#next) return;
    this.#done.add(i);
    while (this.#done.delete(this.#next)) this.#next++;
    const wake = this.#waiting.get(this.#next);
    if (wake) {
      this.#waiting.delete(this.#next);
      wake();
    }
  }
}
