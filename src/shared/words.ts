// Shared (the engine's messages and the renderer): counts in words ("1 face", "12 faces").

/** "1 face", "12 faces" (`plural` when the word does not take an s). */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
