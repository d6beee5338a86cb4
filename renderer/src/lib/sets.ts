// Renderer: selections as immutable sets (a page assigns a new set, so Svelte sees the change).

/** A copy of `set` with `x` added when it was absent, removed when it was present. */
export function toggled<T>(set: ReadonlySet<T>, x: T): Set<T> {
  return set.has(x) ? new Set([...set].filter((y) => y !== x)) : new Set([...set, x]);
}
