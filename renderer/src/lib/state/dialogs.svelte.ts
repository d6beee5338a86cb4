// Renderer state: the app's own dialogs (ask for a name, confirm a removal), in place of the browser's prompt() and confirm().

/**
 * [Note: the app's dialogs] The browser's prompt() blocks the page, cannot be styled or tested like the rest, and
 * its Cancel was easy to miss (a cancelled split still split). A page asks `dialogs.prompt(...)` or
 * `dialogs.confirm(...)` and awaits the answer; App.svelte shows the one open dialog (components/Dialog.svelte)
 * and answers it. Cancel, Escape or a second request answer "no": `undefined` for a prompt, `false` for a confirm.
 */
export interface PromptRequest {
  kind: 'prompt';
  title: string;
  message?: string;
  /** The text box's accessible name and placeholder. */
  label: string;
  placeholder?: string;
  value?: string;
  ok: string;
}
export interface ConfirmRequest {
  kind: 'confirm';
  title: string;
  message?: string;
  ok: string;
  /** The OK button removes or discards something. */
  danger?: boolean;
}
export type DialogRequest = (PromptRequest | ConfirmRequest) & { id: number };

export class Dialogs {
  #current = $state<DialogRequest | undefined>();
  #resolve: ((v: string | boolean | undefined) => void) | undefined;
  #next = 1;

  /** The dialog on screen, if any. */
  get current(): DialogRequest | undefined {
    return this.#current;
  }
  /** Asks for a line of text: the text as typed (perhaps empty), or undefined when the user cancels. */
  prompt(o: Omit<PromptRequest, 'kind'>): Promise<string | undefined> {
    return this.#open({ kind: 'prompt', ...o }) as Promise<string | undefined>;
  }
  /** Asks yes or no: true only when the user presses OK. */
  async confirm(o: Omit<ConfirmRequest, 'kind'>): Promise<boolean> {
    return (await this.#open({ kind: 'confirm', ...o })) === true;
  }
  /** The user pressed OK (with the text of a prompt). */
  answer(text?: string): void {
    const c = this.#current;
    if (!c) return;
    this.#close(c.kind === 'prompt' ? (text ?? '') : true);
  }
  /** The user cancelled (Cancel, Escape, a click beside it). */
  cancel(): void {
    if (!this.#current) return;
    this.#close(this.#current.kind === 'prompt' ? undefined : false);
  }
  #open(req: PromptRequest | ConfirmRequest): Promise<string | boolean | undefined> {
    this.cancel(); // one dialog at a time: an older question is answered "no"
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#current = { ...req, id: this.#next++ };
    });
  }
  #close(v: string | boolean | undefined): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#current = undefined;
    resolve?.(v);
  }
}
