// Renderer state: short messages to the user (errors from the engine, confirmations), shown in a live region.
import { ApiError } from '../../../../src/shared/result';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

class Notices {
  #items = $state<Notice[]>([]);
  #next = 1;

  get items(): Notice[] {
    return this.#items;
  }
  info(text: string): void {
    this.#push('info', text);
  }
  error(err: unknown): void {
    const text = err instanceof ApiError ? err.message : String((err as Error)?.message ?? err);
    this.#push('error', text);
  }
  dismiss(id: number): void {
    this.#items = this.#items.filter((n) => n.id !== id);
  }
  #push(kind: Notice['kind'], text: string): void {
    const id = this.#next++;
    this.#items = [...this.#items.slice(-4), { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 9000 : 4000);
  }
}

export const notices = new Notices();

/** Runs an action and reports its failure instead of throwing into the component. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    notices.error(err);
    return undefined;
  }
}
