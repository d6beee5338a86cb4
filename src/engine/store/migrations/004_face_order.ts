// Engine (store): migration 4, indexes that let the people and unknown-faces views read face quality without the face rows.
import type { Database } from 'better-sqlite3';

/**
 * [Note: face order index] `quality` sits after the 2 KB feature blob in each faces row, so any query that
 * reads it from the table walks the row's overflow pages. Two views read it for many faces:
 * - "Faces in nobody" lists faces best quality first: faces_quality_order holds the sort key, the id and the
 *   quality, so the page and its count read only the index (0.6-0.7 s -> ~20 ms at 150k faces).
 * - A person card's cover is the person's best face (queries.ts BEST_FACE): faces_id_quality maps a face id to
 *   its quality, so the first People page no longer reads every face of its largest people (130 -> 35 ms).
 * Figures from bench/scale-library.ts (100k photos, 150k faces).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE INDEX faces_quality_order ON faces(coalesce(quality, 0) DESC, id, quality);
    CREATE INDEX faces_id_quality ON faces(id, quality);
  `);
}
