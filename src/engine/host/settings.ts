// Engine (host): the user's settings (thresholds), kept in the library's meta table so every door sees the same ones.
import type { Db } from '../store/db.js';
import { Settings } from '../../shared/schemas.js';
import { incrementalOptions } from '../cluster/incremental.js';
import { loadOptions } from '../cluster/load.js';
import { suggestOptions } from '../people/suggest.js';

/**
 * Defaults, in one place. The verify decision is a cosine between two unit ArcFace embeddings of the frozen
 * recognizer (same-person pairs mostly score above 0.35, different people below 0.25 on LFW-like photos). The
 * other three are the engine's own options (incremental assignment, suggestions, the quality gate), so a
 * setting the user changes is the value the engine uses: the host passes them on every call.
 */
export const settingsDefaults: Settings = {
  verifyThreshold: 0.3,
  assignThreshold: incrementalOptions.threshold,
  suggestThreshold: suggestOptions.minSimilarity,
  minQuality: loadOptions.minQuality,
  inferenceProvider: 'auto',
};

const KEY = 'settings';

export function loadSettings(db: Db): Settings {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as { value: string } | undefined;
  if (!row) return { ...settingsDefaults };
  try {
    const parsed = Settings.partial().safeParse(JSON.parse(row.value));
    return { ...settingsDefaults, ...(parsed.success ? parsed.data : {}) };
  } catch {
    return { ...settingsDefaults };
  }
}

export function saveSettings(db: Db, s: Settings): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    KEY,
    JSON.stringify(Settings.parse(s)),
  );
}
