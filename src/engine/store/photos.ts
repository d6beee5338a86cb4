// Engine (store): photos (by content hash), files (path -> photo) and failures (path -> reason) with prepared statements.
import type { Db } from './db.js';

export type PhotoStatus = 'pending' | 'done' | 'failed';

export interface PhotoRow {
  id: number;
  hash: string;
  width: number | null;
  height: number | null;
  orientation: number | null;
  taken_at: number | null;
  status: PhotoStatus;
  processed_at: number | null;
  face_count: number | null;
}

export interface FileRow {
  id: number;
  folder_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  photo_id: number | null;
  seen_at: number;
}

export interface FailureRow {
  id: number;
  folder_id: number | null;
  path: string;
  code: string;
  reason: string;
  size: number | null;
  mtime_ms: number | null;
  at: number;
}

export interface NewPhoto {
  hash: string;
  width: number;
  height: number;
  orientation: number;
  takenAt?: number | undefined;
  status: PhotoStatus;
  faceCount: number;
  processedAt: number;
}

export interface FileInfo {
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  photoId: number | null;
  seenAt: number;
}

export interface FailureInfo {
  folderId: number | null;
  path: string;
  code: string;
  reason: string;
  size?: number | undefined;
  mtimeMs?: number | undefined;
  at: number;
}

export class PhotoStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      photoById: db.prepare<[number], PhotoRow>('SELECT * FROM photos WHERE id = ?'),
      photoByHash: db.prepare<[string], PhotoRow>('SELECT * FROM photos WHERE hash = ?'),
      insertPhoto: db.prepare(
        `INSERT INTO photos (hash, width, height, orientation, taken_at, status, processed_at, face_count)
         VALUES (@hash, @width, @height, @orientation, @takenAt, @status, @processedAt, @faceCount)`,
      ),
      deletePhoto: db.prepare<[number]>('DELETE FROM photos WHERE id = ?'),
      orphans: db.prepare<[], { id: number }>(
        'SELECT p.id FROM photos p WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.photo_id = p.id)',
      ),
      fileByPath: db.prepare<[string], FileRow>('SELECT * FROM files WHERE path = ?'),
      filesOfPhoto: db.prepare<[number], FileRow>('SELECT * FROM files WHERE photo_id = ? ORDER BY path'),
      filesWithFacesUnder: db.prepare<
        [{ lo: string; hi: string; minQuality: number }],
        { path: string; photo_id: number | null; face_id: number | null; area: number | null }
      >(
        `SELECT fi.path, fi.photo_id, fa.id AS face_id, fa.w * fa.h AS area
           FROM files fi LEFT JOIN faces fa ON fa.photo_id = fi.photo_id
          WHERE fi.path >= @lo AND fi.path < @hi
          ORDER BY fi.path, coalesce(fa.quality, 1) >= @minQuality DESC, area DESC, fa.id`,
      ),
      // Files of analysed photos named stem + '.' + anything: [stem + '.', stem + '/') ([Note: path ranges]).
      filesNamed: db.prepare<[{ lo: string; hi: string }], PhotoRow & { path: string }>(
        `SELECT p.*, fi.path FROM files fi JOIN photos p ON p.id = fi.photo_id
          WHERE fi.path >= @lo AND fi.path < @hi AND p.status = 'done' ORDER BY fi.path`,
      ),
      filesWithFolder: db.prepare<[number], { path: string; root: string }>(
        'SELECT f.path, d.path AS root FROM files f JOIN folders d ON d.id = f.folder_id WHERE f.photo_id = ? ORDER BY f.id',
      ),
      upsertFile: db.prepare(
        `INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at)
         VALUES (@folderId, @path, @size, @mtimeMs, @photoId, @seenAt)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, size = excluded.size,
           mtime_ms = excluded.mtime_ms, photo_id = excluded.photo_id, seen_at = excluded.seen_at`,
      ),
      touchFile: db.prepare<[number, number]>('UPDATE files SET seen_at = ? WHERE id = ?'),
      deleteFile: db.prepare<[string]>('DELETE FROM files WHERE path = ?'),
      // [Note: path ranges] Every path under folder R sorts in [R + '/', R + '0'): '0' is the byte after '/'.
      unseenFiles: db.prepare<[string, string, number], FileRow>(
        'SELECT * FROM files WHERE path >= ? AND path < ? AND seen_at < ? ORDER BY path',
      ),
      deleteFileById: db.prepare<[number]>('DELETE FROM files WHERE id = ?'),
      failureByPath: db.prepare<[string], FailureRow>('SELECT * FROM failures WHERE path = ?'),
      upsertFailure: db.prepare(
        `INSERT INTO failures (folder_id, path, code, reason, size, mtime_ms, at)
         VALUES (@folderId, @path, @code, @reason, @size, @mtimeMs, @at)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, code = excluded.code, reason = excluded.reason,
           size = excluded.size, mtime_ms = excluded.mtime_ms, at = excluded.at`,
      ),
      touchFailure: db.prepare<[number, number]>('UPDATE failures SET at = ? WHERE id = ?'),
      deleteFailure: db.prepare<[string]>('DELETE FROM failures WHERE path = ?'),
      unseenFailures: db.prepare<[string, string, string, number], FailureRow>(
        'SELECT * FROM failures WHERE (path = ? OR (path >= ? AND path < ?)) AND at < ?',
      ),
      deleteFailureById: db.prepare<[number]>('DELETE FROM failures WHERE id = ?'),
      failures: db.prepare<[], FailureRow>('SELECT * FROM failures ORDER BY path'),
      failuresOfFolder: db.prepare<[number], FailureRow>('SELECT * FROM failures WHERE folder_id = ? ORDER BY path'),
      pending: db.prepare<[], FileRow>(
        `SELECT f.* FROM files f JOIN photos p ON p.id = f.photo_id WHERE p.status = 'pending' ORDER BY f.path`,
      ),
      counts: db.prepare<[], { photos: number; files: number; failures: number }>(
        `SELECT (SELECT count(*) FROM photos WHERE status = 'done') AS photos, (SELECT count(*) FROM files) AS files,
                (SELECT count(*) FROM failures) AS failures`,
      ),
    };
  }

  photo(id: number): PhotoRow | undefined {
    return this.#s.photoById.get(id);
  }

  photoByHash(hash: string): PhotoRow | undefined {
    return this.#s.photoByHash.get(hash);
  }

  insertPhoto(p: NewPhoto): number {
    return Number(this.#s.insertPhoto.run({ ...p, takenAt: p.takenAt ?? null }).lastInsertRowid);
  }

  /** Deletes the photo; its faces and embeddings go with it (ON DELETE CASCADE), its files keep a NULL photo. */
  deletePhoto(id: number): void {
    this.#s.deletePhoto.run(id);
  }

  /** Photos that no file points at any more (moved away, deleted, or now failing). */
  orphanPhotoIds(): number[] {
    return this.#s.orphans.all().map((r) => r.id);
  }

  file(path: string): FileRow | undefined {
    return this.#s.fileByPath.get(path);
  }

  filesOfPhoto(photoId: number): FileRow[] {
    return this.#s.filesOfPhoto.all(photoId);
  }

  /**
   * Every file under `root` with each of its photo's faces: those of quality `minQuality` or more (or unscored)
   * first, each part largest first (a file without faces: one row of nulls).
   */
  filesWithFacesUnder(
    root: string,
    minQuality: number,
  ): { path: string; photo_id: number | null; face_id: number | null; area: number | null }[] {
    return this.#s.filesWithFacesUnder.all({ lo: `${root}/`, hi: `${root}0`, minQuality }); // [Note: path ranges]
  }

  /** Files whose path is `stem` + '.' + an ending or more, with their analysed photo ([Note: one shot in two files]). */
  filesNamed(stem: string): (PhotoRow & { path: string })[] {
    return this.#s.filesNamed.all({ lo: `${stem}.`, hi: `${stem}/` });
  }

  /** The photo's files with the folder each was found in (a door serves a file only from inside its folder). */
  filesWithFolder(photoId: number): { path: string; root: string }[] {
    return this.#s.filesWithFolder.all(photoId);
  }

  upsertFile(f: FileInfo): void {
    this.#s.upsertFile.run(f);
  }

  touchFile(id: number, seenAt: number): void {
    this.#s.touchFile.run(seenAt, id);
  }

  deleteFile(path: string): void {
    this.#s.deleteFile.run(path);
  }

  /**
   * Deletes the files under folder `root` that the scan stamped `stamp` did not see, except under `keep` (folders the
   * scan could not list: their files may well still be there). By path, not folder id, so nested library folders
   * agree. Returns the deleted rows.
   */
  deleteUnseenFiles(root: string, stamp: number, keep: readonly string[] = []): FileRow[] {
    const base = root.replace(/\/+$/, '');
    const gone = this.#s.unseenFiles
      .all(`${base}/`, `${base}0`, stamp)
      .filter((f) => !keep.some((k) => f.path.startsWith(k.endsWith('/') ? k : `${k}/`)));
    for (const f of gone) this.#s.deleteFileById.run(f.id);
    return gone;
  }

  failure(path: string): FailureRow | undefined {
    return this.#s.failureByPath.get(path);
  }

  recordFailure(f: FailureInfo): void {
    this.#s.upsertFailure.run({ ...f, size: f.size ?? null, mtimeMs: f.mtimeMs ?? null });
  }

  touchFailure(id: number, at: number): void {
    this.#s.touchFailure.run(at, id);
  }

  clearFailure(path: string): void {
    this.#s.deleteFailure.run(path);
  }

  /** Forgets the failures at or under `root` that the scan stamped `stamp` did not meet again (fixed or gone). */
  deleteUnseenFailures(root: string, stamp: number, keep: readonly string[] = []): number {
    const base = root.replace(/\/+$/, '');
    const gone = this.#s.unseenFailures
      .all(base, `${base}/`, `${base}0`, stamp)
      .filter((f) => !keep.some((k) => f.path === k || f.path.startsWith(`${k}/`)));
    for (const f of gone) this.#s.deleteFailureById.run(f.id);
    return gone.length;
  }

  failures(folderId?: number): FailureRow[] {
    return folderId === undefined ? this.#s.failures.all() : this.#s.failuresOfFolder.all(folderId);
  }

  /** Files whose photo was left 'pending' (an import stopped between steps): processed again by the next import. */
  pendingFiles(): FileRow[] {
    return this.#s.pending.all();
  }

  counts(): { photos: number; files: number; failures: number } {
    return this.#s.counts.get()!;
  }
}
