// Renderer: counts and names in words for people, not for the database ("1 face", "an unnamed group").
import type { Person } from '../../../src/shared/schemas';

/** "1 face", "12 faces" (`plural` when the word does not take an s). */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

/** A person as the user knows them: the name, or the group they are ("Unnamed group of 12 faces"). */
export function personLabel(p: Pick<Person, 'name' | 'faceCount'>): string {
  return p.name ?? `Unnamed group of ${count(p.faceCount, 'face')}`;
}

/** The label of a face box on a photo: whose face it is, or why it is nobody's yet. */
export function faceLabel(f: { personName?: string | null; personId?: number | null; lowQuality?: boolean }): string {
  return f.personName ?? (f.personId ? 'Unnamed' : f.lowQuality ? 'low quality' : 'unknown');
}

/** A moment as a person reads it (local time, to the minute). */
export function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
