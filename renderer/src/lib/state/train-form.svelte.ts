// Renderer state: the Train page's choices (loss, margins, epochs, embedding, people left out) and its running job, kept while the user visits other pages.
import { SvelteSet } from 'svelte/reactivity';
import { presetMargins, type LossName, type LossTerm } from '../../../../src/shared/losses';
import type { Margins } from '../../../../src/shared/schemas';

/**
 * What the user set on the Train page lives here, not in the page: leaving the page and coming back keeps the
 * epochs, the margins, the people left out and the run in progress. People are kept as the ones left out, so a
 * person named later is trained on unless the user unticks them.
 */
export class TrainForm {
  base = $state<LossName>('arcface');
  terms = $state<Record<LossTerm, boolean>>({ intra: false, inter: false, triplet: false });
  margins = $state<Margins>(presetMargins('arcface'));
  epochs = $state(20);
  dim = $state<512 | 2 | 3>(512);
  /** Named people the user unticked. */
  readonly excluded = new SvelteSet<number>();
  /** The last run started from the page. */
  jobId = $state<string | undefined>();

  pickBase(b: LossName): void {
    this.base = b;
    this.margins = presetMargins(b);
  }
  /** Ticks or unticks one person. */
  toggle(personId: number): void {
    if (!this.excluded.delete(personId)) this.excluded.add(personId);
  }
  /** Ticks everyone (`on`) or no one, among `ids`. */
  setAll(ids: readonly number[], on: boolean): void {
    this.excluded.clear();
    if (!on) for (const id of ids) this.excluded.add(id);
  }
  /** The people a run would train on, among the named ones. */
  chosen(namedIds: readonly number[]): number[] {
    return namedIds.filter((id) => !this.excluded.has(id));
  }
}
