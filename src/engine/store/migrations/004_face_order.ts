// Engine (store): migration 4, an index in the order the unknown-faces view lists faces (best quality first).
import type { Database } from 'better-sqlite3';

/**
 * [Note: face order index] "Faces in nobody" lists faces by quality, best first. `quality` sits after the
 * 2 KB feature blob in each faces row, so without an index SQLite walks every row's overflow pages to sort
 * them: 0.6-0.7 s at 150k faces (bench/scale-library.ts). This index holds the sort key, the id and the
 * quality itself, so the page and its count read only the index (about 30 ms at 150k faces).
 */
export function up(db: Database): void {
  db.exec('CREATE INDEX faces_quality_order ON faces(coalesce(quality, 0) DESC, id, quality);');
}
