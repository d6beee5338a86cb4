// Engine (api): search from anywhere — people by name, people together ("Anna and Ben"), folders by name, months and years.
import type { ParsedArgs, Service, Value } from '../../shared/contract.js';
import type { Person } from '../../shared/schemas.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';

export const searchOptions = {
  /** People read per name before ranking (the best `limit` are answered). */
  candidates: 50,
  /** Words that join names into "these people together". */
  joiners: /\s*(?:,|&|\+|\band\b|\bwith\b|\bund\b|\bet\b)\s*/i,
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * A date the text names, as the range of the photo dates it covers (local time of this machine, as the
 * timeline's months): "2019", "2019-07", "07/2019", "july 2019", "jul 2019", "2019 july".
 */
export function parseDateQuery(text: string): { label: string; from: number; to: number } | undefined {
  const t = text.trim().toLowerCase();
  const month = (y: number, m: number) => ({
    label: `${MONTHS[m]![0]!.toUpperCase()}${MONTHS[m]!.slice(1)} ${y}`,
    from: new Date(y, m, 1).getTime(),
    to: new Date(y, m + 1, 1).getTime(),
  });
  const ok = (y: number) => y >= 1826 && y <= 2200; // the first photograph; a century ahead
  let m = /^(\d{4})$/.exec(t);
  if (m && ok(Number(m[1]))) {
    const y = Number(m[1]);
    return { label: String(y), from: new Date(y, 0, 1).getTime(), to: new Date(y + 1, 0, 1).getTime() };
  }
  m = /^(\d{4})[-/.](\d{1,2})$/.exec(t) ?? null;
  if (m && ok(Number(m[1])) && Number(m[2]) >= 1 && Number(m[2]) <= 12) return month(Number(m[1]), Number(m[2]) - 1);
  m = /^(\d{1,2})[-/.](\d{4})$/.exec(t);
  if (m && ok(Number(m[2])) && Number(m[1]) >= 1 && Number(m[1]) <= 12) return month(Number(m[2]), Number(m[1]) - 1);
  m = /^([a-z]{3,9})\.?\s+(\d{4})$/.exec(t) ?? /^(\d{4})\s+([a-z]{3,9})\.?$/.exec(t);
  if (m) {
    const [word, year] = /^\d/.test(m[1]!) ? [m[2]!, Number(m[1])] : [m[1]!, Number(m[2])];
    const i = MONTHS.findIndex((name) => name.startsWith(word) && word.length >= 3);
    if (i >= 0 && ok(year)) return month(year, i);
  }
  return undefined;
}

/** How well a name matches: 0 starts with the text, 1 a word of it does, 2 it contains the text. */
function rank(name: string, text: string): number {
  const n = name.toLowerCase();
  const t = text.toLowerCase();
  if (n.startsWith(t)) return 0;
  if (n.split(/[\s\-'.]+/).some((w) => w.startsWith(t))) return 1;
  return 2;
}

export class SearchService implements Service<'search'> {
  constructor(private readonly c: Core) {}

  /** Everything a search box offers for `q`: people, people together, folders and a date. */
  query(a: ParsedArgs<'search.query'>): Value<'search.query'> {
    const q = a.q.trim();
    const people = this.#people(q, a.limit);
    const parts = q.split(searchOptions.joiners).filter(Boolean);
    let together: Person[] = [];
    if (parts.length >= 2) {
      const best = parts.map((p) => this.#people(p, 1)[0]);
      const ids = new Set(best.map((p) => p?.id));
      if (best.every(Boolean) && ids.size === best.length) together = best as Person[];
    }
    const date = parseDateQuery(q);
    return {
      people,
      together,
      folders: views.foldersNamed(this.c.db, q, a.limit),
      dates: date ? [date] : [],
    };
  }

  #people(text: string, limit: number): Person[] {
    return views
      .peopleNamed(this.c.db, text, searchOptions.candidates)
      .map((p) => ({ p, r: rank(p.name ?? '', text) }))
      .sort((x, y) => x.r - y.r || y.p.faceCount - x.p.faceCount || x.p.id - y.p.id)
      .slice(0, limit)
      .map((x) => x.p);
  }
}
