// Renderer: counts and names in words for people, not for the database ("1 face", "an unnamed group").
import type { Person } from '../../../src/shared/schemas';
import { count } from '../../../src/shared/words';

export { count };

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

/**
 * A long name made short enough for a chart's legend: a head's "arcface fine-tune · 20 epochs · 12 people (...) ·
 * 2026-11-30 18:27" keeps its first and last parts; anything still longer than `max` ends in an ellipsis.
 */
export function legendName(name: string, max = 40): string {
  if (name.length <= max) return name;
  const parts = name.split(' · ');
  const short = parts.length > 2 ? `${parts[0]} · ${parts.at(-1)}` : name;
  return short.length <= max ? short : `${short.slice(0, max - 1)}…`;
}
