// Engine (store): migration 5, every stored face's quality recomputed as its recognisability (the feature norm score).
import type { Database } from 'better-sqlite3';
import { blobToF32 } from '../blob.js';

/**
 * [Note: quality recomputed] From this version a face's quality is the norm of its stored backbone feature mapped
 * to 0..1 (see [Note: quality is recognisability] in vision/quality.ts), not the product of size, detector score,
 * pose and sharpness. The feature is stored, so every face's score is recomputed here, without its photo, and the
 * quality gate means the same for old and new faces. The range is frozen here as it shipped (1.75..3.6 for the
 * bundled recognizer); a later change of the score needs a migration of its own. Faces are read in batches (a
 * connection cannot write while it iterates, and 150k features at once would be 300 MB).
 */
export function up(db: Database): void {
  const bad = 1.75;
  const good = 3.6;
  const batch = db.prepare('SELECT id, feature FROM faces WHERE id > ? ORDER BY id LIMIT 2000');
  const write = db.prepare('UPDATE faces SET quality = ? WHERE id = ?');
  let last = 0;
  for (;;) {
    const rows = batch.all(last) as { id: number; feature: Buffer }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const v = blobToF32(r.feature);
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
      write.run(Math.min(1, Math.max(0, (Math.sqrt(s) - bad) / (good - bad))), r.id);
    }
    last = rows[rows.length - 1]!.id;
  }
}
