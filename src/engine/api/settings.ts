// Engine (api): the user's settings (thresholds), kept in the library's meta table so every door sees the same ones.
import { Settings } from '../../shared/schemas.js';
import { incrementalOptions } from '../cluster/incremental.js';
import { loadOptions } from '../cluster/load.js';
import { suggestOptions } from '../people/suggest.js';
import type { Db } from '../store/db.js';
import { MetaStore } from '../store/meta.js';

/**
 * Defaults, in one place. The verify decision is a cosine between two unit ArcFace embeddings of the frozen
 * recognizer (same-person pairs mostly score above 0.35, different people below 0.25 on LFW-like photos). The
 * other three are the engine's own options (incremental assignment, suggestions, the quality gate), so a
 * setting the user changes is the value the engine uses: every operation reads them from here.
 */
export const settingsDefaults: Settings = {
  verifyThreshold: 0.3,
  assignThreshold: incrementalOptions.threshold,
  suggestThreshold: suggestOptions.minSimilarity,
  minQuality: loadOptions.minQuality,
  inferenceProvider: 'auto',
};

const KEY = 'settings';

/** The saved settings over the defaults; a damaged or partial saved value keeps the defaults for what it lacks. */
export function loadSettings(db: Db): Settings {
  const saved = Settings.partial().safeParse(new MetaStore(db).getJson(KEY) ?? {});
  return { ...settingsDefaults, ...(saved.success ? saved.data : {}) };
}

export function saveSettings(db: Db, s: Settings): void {
  new MetaStore(db).setJson(KEY, Settings.parse(s));
}
