// Renderer state: short messages to the user (errors from the engine, confirmations), shown in a live region.
import { ApiError } from '../../../../src/shared/result';

/** How long a notice stays (ms) and how many are shown at once. */
export const NOTICE_OPTIONS = { infoMs: 4000, errorMs: 9000, shown: 5 };

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** What the notice is about: a newer notice on the same topic takes its place ("Importing X" -> "Import finished"). */
  topic?: string;
}

export class Notices {
  #items = $state<Notice[]>([]);
  #next = 1;
  readonly #opts: typeof NOTICE_OPTIONS;
  #timers: ReturnType<typeof setTimeout>[] = [];

  constructor(opts: Partial<typeof NOTICE_OPTIONS> = {}) {
    this.#opts = { ...NOTICE_OPTIONS, ...opts };
  }
  get items(): Notice[] {
    return this.#items;
  }
  info(text: string, topic?: string): void {
    this.#push('info', text, topic);
  }
  error(err: unknown, topic?: string): void {
    const text = err instanceof ApiError ? err.message : String((err as Error)?.message ?? err);
    this.#push('error', text, topic);
  }
  dismiss(id: number): void {
    this.#items = this.#items.filter((n) => n.id !== id);
  }
  /** Runs an action and reports its failure instead of throwing into the component (bound: pass it around). */
  readonly attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      this.error(err);
      return undefined;
    }
  };
  /** Stops the dismissal timers (the notices stay as they are). */
  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
  #push(kind: Notice['kind'], text: string, topic?: string): void {
    const id = this.#next++;
    const others = topic === undefined ? this.#items : this.#items.filter((n) => n.topic !== topic);
    this.#items = [...others.slice(-(this.#opts.shown - 1)), { id, kind, text, topic }];
    const timer = setTimeout(
      () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        this.dismiss(id);
      },
      kind === 'error' ? this.#opts.errorMs : this.#opts.infoMs,
    );
    this.#timers.push(timer);
  }
}
