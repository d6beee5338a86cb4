// Engine (api): the library's folders — import (with people assigned as faces arrive), rescan, remove, failures, stats, files a door may send.
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Service, ImportProgress, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import { count } from '../../shared/words.js';
import { activeEmbedder } from '../arcface/embedder.js';
import { assignNewFaces, type AssignResult } from '../cluster/incremental.js';
import { containedFile } from '../contained.js';
import { acquireLock } from '../jobs/lock.js';
import type { JobProgress } from '../jobs/progress.js';
import { sweepOrphans } from '../library/commit.js';
import { importFolders, type ImportRunOptions, type ImportSummary } from '../library/import.js';
import { importAligned } from '../library/import-aligned.js';
import { refuseLibraryData } from '../library/walk.js';
import { recordServedFailure, type ServedFileState } from '../library/served.js';

export type { ServedFileState } from '../library/served.js';
import { removeThumb, thumbPath, thumbsDir } from '../library/thumbs.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore } from '../store/folders.js';
import { recordOp } from '../store/history.js';
import { PeopleStore } from '../store/people.js';
import { PhotoStore } from '../store/photos.js';
import * as views from '../store/views.js';
import { backendName } from './app.js';
import type { Core } from './core.js';

/** How often people are brought up to date while an import runs ([Note: people as faces arrive]). */
export const LIBRARY_OPTIONS = {
  /** The faces committed so far are given to people once this many photos are done, then after each... */
  assignEveryPhotos: 100,
  /** ...further stretch of this share of the photos done so far (at least assignEveryPhotos), ... */
  assignGrowth: 0.25,
  /** ...unless that would spend more than this share of the import's time assigning (each reads every face). */
  assignShare: 0.15,
};

export interface LibraryImport extends ImportSummary {
  /** New faces given to people (or new groups) while and right after the import ([Note: people as faces arrive]). */
  assigned: AssignResult | null;
}

/**
 * [Note: people as faces arrive] Every import, from any door, gives the faces it finds to people as they come in
 * (cluster/incremental: a face joins the closest person above the user's assignment threshold; the rest form new
 * groups or stay unknown), with the user's saved thresholds: after the first hundred photos, then after each
 * further quarter of the photos done (less often when that would take more than a small share of the import's
 * time, since an assignment reads every face), each time telling the doors 'people.changed'. So a user importing
 * 50,000 photos sees people within the first minute. The cadence counts photos, not seconds, so a small import
 * (under a hundred photos) is assigned once at its end by every door alike, and assignments run between photos,
 * never inside the pipeline's own call.
 *
 * Those early groups are provisional. One pass over part of an import cannot tell groups of unidentifiable faces
 * apart ([Note: junk groups] needs enough low-quality faces to know their direction), and once such a group is a
 * person every later pass lets blurred faces join it: on celeba-wild one grew to 144 faces, 134 of them
 * low-quality (bench/import-people.ts). So when the import ends, the faces it brought that still sit in a person
 * by a guess go back to unknown and the whole import is assigned in one pass, as if people had appeared only at
 * its end; except in people the user changed meanwhile (named, merged, split, moved, hid, ...): what the user did
 * during the import stays as it is. A cancelled import ends the same way, with what it committed.
 */
export class LibraryService implements Service<'library'> {
  constructor(private readonly c: Core) {}

  stats(_a: ParsedArgs<'library.stats'> = {}): Value<'library.stats'> {
    return {
      ...views.stats(this.c.db, this.c.settings().minQuality),
      indexSize: this.c.index().size,
      backend: backendName(this.c.inference()),
      inference: this.c.inference(),
    };
  }

  folders(_a: ParsedArgs<'library.folders'> = {}): Value<'library.folders'> {
    return views.folders(this.c.db);
  }

  failures(a: ParsedArgs<'library.failures'>): Value<'library.failures'> {
    return views.failures(this.c.db, a.offset, a.limit);
  }

  /**
   * Adds the folders (by real path) and imports them: new, changed and removed files, then people for the new
   * faces. Runs in the serial queue; a second library process importing at once is refused by a lock file.
   */
  importFolders(paths: string[], run: ImportRunOptions = {}): Promise<LibraryImport> {
    return this.c.serial(async () => {
      const store = new FolderStore(this.c.db);
      const reals: string[] = [];
      for (const f of paths) {
        let real: string;
        try {
          real = await realpath(resolve(f));
        } catch {
          real = resolve(f); // a known folder that is unreachable now: the scan records it and removes nothing
          if (!store.byPath(real)) throw new ApiError('not-found', `folder not found: ${f}`);
        }
        if (!store.byPath(real)) {
          refuseLibraryData(real, this.c.dbPath); // [Note: import stays inside]
          await mustBeFolder(real, f);
        }
        reals.push(real);
      }
      const rows = reals.map((real) => store.ensure(real));
      const index = this.c.index();
      const release = acquireLock(`${this.c.dbPath}.import.lock`);
      const people = new AssignAsFacesArrive(this.c, views.newestIds(this.c.db));
      let summary: ImportSummary;
      try {
        summary = await importFolders(
          {
            db: this.c.db,
            dbPath: this.c.dbPath,
            index,
            embedder: activeEmbedder(this.c.db),
            analyzer: (o) => this.c.analyzer(o),
          },
          rows,
          {
            ...run,
            onProgress: (p) => {
              run.onProgress?.(p);
              if (p.status === 'running') people.soon(p.done);
            },
          },
        );
      } finally {
        try {
          await people.settled();
          index.save();
        } finally {
          release();
        }
      }
      if (summary.provider) this.c.inferenceLoaded(summary.provider, summary.fallbacks ?? []);
      this.c.emit('library.changed', { reason: 'import' });
      return { ...summary, assigned: people.final() };
    });
  }

  /** A folder of already aligned 112x112 crops (one face each, no detection): the evaluation sets' import. */
  importAligned(files: { identity: string; path: string }[], log?: (line: string) => void): Promise<number> {
    return this.c.serial(() =>
      importAligned({ db: this.c.db, embedder: activeEmbedder(this.c.db), vision: () => this.c.vision() }, files, log),
    );
  }

  /** A door's request: each folder must be one the user chose or one of the library's ([Note: paths are capabilities]). */
  async addFolders(a: ParsedArgs<'library.addFolders'>): Promise<Value<'library.addFolders'>> {
    const paths = [];
    for (const p of a.paths) {
      const real = await this.c.grants.check(p, 'a folder to add');
      await mustBeFolder(real, p); // refused here, before a job starts or anything is recorded
      paths.push(real);
    }
    return this.#importJob(paths);
  }

  rescan(a: ParsedArgs<'library.rescan'>): Value<'library.rescan'> {
    const folders = views.folders(this.c.db).filter((f) => a.folderId === undefined || f.id === a.folderId);
    if (!folders.length)
      throw new ApiError(
        'not-found',
        a.folderId === undefined ? 'this library has no folder yet' : `folder ${a.folderId} does not exist`,
      );
    return this.#importJob(folders.map((f) => f.path));
  }

  removeFolder(a: ParsedArgs<'library.removeFolder'>): Promise<Value<'library.removeFolder'>> {
    return this.c.serial(async () => {
      const db = this.c.db;
      if (!views.folders(db).some((f) => f.id === a.folderId))
        throw new ApiError('not-found', `folder ${a.folderId} does not exist`);
      const index = this.c.index();
      const gone = db.transaction(() => {
        new FolderStore(db).remove(a.folderId);
        return sweepOrphans(db, new PhotoStore(db), new FaceStore(db));
      })();
      for (const id of gone.faceIds) {
        index.remove(id);
        await removeThumb(this.c.dbPath, id);
      }
      index.save();
      this.c.emit('library.changed', { reason: 'folder removed' });
      this.c.emit('people.changed', { reason: 'folder removed' });
      return { photosRemoved: gone.photos };
    });
  }

  /** The thumbnail JPEG of a face, when it exists inside the library's thumbs folder ([Note: no path outside]). */
  thumbFile(faceId: number): string | undefined {
    if (!Number.isSafeInteger(faceId) || faceId <= 0) return undefined;
    return containedFile(thumbsDir(this.c.dbPath), thumbPath(this.c.dbPath, faceId));
  }

  /** A readable file of the photo that lies inside one of the library's folders ([Note: no path outside]). */
  photoFile(photoId: number): string | undefined {
    if (!Number.isSafeInteger(photoId) || photoId <= 0) return undefined;
    for (const r of new PhotoStore(this.c.db).filesWithFolder(photoId)) {
      const ok = containedFile(r.root, r.path);
      if (ok) return ok;
    }
    return undefined;
  }

  /** A door could not send this photo's file: look at its files again and record them as an import would. */
  photoFileFailed(photoId: number): ServedFileState {
    const state = recordServedFailure(this.c.db, photoId);
    if (state === 'vanished' || state === 'unreadable')
      this.c.emit('library.changed', { reason: `photo file ${state}` });
    return state;
  }

  /** An import as a job with progress events (library.addFolders, library.rescan). */
  #importJob(paths: string[]): { jobId: string } {
    const c = this.c;
    const { jobId } = c.jobs.start('import', 'queued', paths.join(', '), async ({ jobId, signal, setStatus }) => {
      const facesAtStart = views.faceCount(c.db);
      const emit = (p: ImportProgress) => {
        setStatus(p.status);
        c.emit('job.progress', p);
      };
      let last: JobProgress | undefined;
      let ended = false; // one final event, whoever sends it (see [Note: progress promises])
      try {
        const s = await this.importFolders(paths, {
          signal,
          onProgress: (p) => {
            last = p;
            if (p.status === 'cancelled' || p.status === 'failed') ended = true;
            if (p.status !== 'complete') emit(toImportProgress(jobId, p, views.faceCount(c.db) - facesAtStart));
          },
        });
        if (s.status !== 'complete') return; // the 'cancelled' event went out from onProgress
        const done = toImportProgress(
          jobId,
          last ?? {
            status: 'complete',
            done: s.total,
            total: s.total,
            failed: s.failures.length,
            rate: 0,
            elapsedMs: s.elapsedMs,
          },
          s.facesFound,
        );
        const a = s.assigned;
        emit({
          ...done,
          message: `${count(s.added, 'new photo')}, ${count(s.facesFound, 'face')}, ${s.failures.length} failed${a ? `; ${count(a.joined, 'face')} joined people, ${count(a.newPeople, 'new group')}` : ''}`,
        });
      } catch (err) {
        if (ended) return;
        emit({
          jobId,
          kind: 'import',
          status: 'failed',
          stage: null,
          done: 0,
          total: 0,
          failed: 0,
          faces: 0,
          rate: 0,
          etaSeconds: null,
          message: err instanceof ApiError ? err.message : `import failed: ${(err as Error).message}`,
        });
      }
    });
    return { jobId };
  }
}

/**
 * The assignments of one import ([Note: people as faces arrive]): `soon(done)` on each progress event schedules a
 * provisional one, to run after the current photo, when one is due; `final()` re-sorts the provisional guesses and
 * assigns once more.
 */
class AssignAsFacesArrive {
  #next: number;
  #lastAt = Date.now();
  #lastMs = 0;
  #passes = 0;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly c: Core,
    /** The newest face and history entry before the import. */
    private readonly start: { face: number; history: number },
    private readonly o: typeof LIBRARY_OPTIONS = LIBRARY_OPTIONS,
  ) {
    this.#next = o.assignEveryPhotos;
  }

  /** Schedules an assignment when `done` photos make one due (never runs it inside the caller). */
  soon(done: number): void {
    if (this.#pending || done < this.#next) return;
    if (Date.now() - this.#lastAt < this.#lastMs / this.o.assignShare) return;
    this.#next = done + Math.max(this.o.assignEveryPhotos, Math.round(done * this.o.assignGrowth));
    this.#pending = new Promise<void>((r) => setImmediate(r))
      .then(() => {
        this.#passes++;
        this.#assign();
      })
      .catch(() => undefined) // the import goes on; the final assignment reports a real failure
      .finally(() => (this.#pending = undefined));
  }

  /** Waits for a scheduled assignment. */
  async settled(): Promise<void> {
    await this.#pending;
  }

  /** The import's last assignment: provisional guesses back to unknown (but where the user changed people), then one pass. */
  final(): AssignResult {
    if (this.#passes > 0) {
      const db = this.c.db;
      const edited = views.peopleEditedSince(db, this.start.history);
      const guessed = views.guessedFrom(db, this.start.face + 1).filter((g) => !edited.has(g.personId));
      if (guessed.length) {
        const store = new PeopleStore(db);
        recordOp(db, 'assign', `Sort the ${guessed.length} faces of this import again, all together`, () => {
          for (const g of guessed) store.remove(g.faceId, g.personId);
        });
      }
    }
    return this.#assign();
  }

  #assign(): AssignResult {
    const t = Date.now();
    const { assignThreshold, minQuality } = this.c.settings();
    const r = assignNewFaces(this.c.db, { threshold: assignThreshold, minQuality });
    this.#lastAt = Date.now();
    this.#lastMs = this.#lastAt - t;
    this.c.emit('people.changed', { reason: 'import' });
    return r;
  }
}

/** Engine progress -> the contract's import progress event. */
export function toImportProgress(jobId: string, p: JobProgress, faces: number): ImportProgress {
  const base = { jobId, kind: 'import' as const, faces, stage: null, message: null };
  switch (p.status) {
    case 'scanning':
      return {
        ...base,
        status: 'scanning',
        done: 0,
        total: p.found,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
        stage: 'scan',
      };
    case 'running':
      // One stage while importing (hash, decode, detect, embed, store run overlapped per photo).
      return {
        ...base,
        status: 'importing',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: p.rate,
        etaSeconds: p.etaMs === undefined ? null : p.etaMs / 1000,
        stage: 'analyse',
        message: p.current ?? null,
      };
    case 'complete':
      return {
        ...base,
        status: 'complete',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: p.rate,
        etaSeconds: 0,
      };
    case 'cancelled':
      return {
        ...base,
        status: 'cancelled',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
        message: p.error,
      };
  }
}

/** A path given as a new folder to import must be one: a file or a device is refused before it is recorded as a folder. */
async function mustBeFolder(real: string, given: string): Promise<void> {
  const st = await stat(real).catch(() => undefined);
  if (!st) throw new ApiError('not-found', `folder not found: ${given}`);
  if (!st.isDirectory()) throw new ApiError('invalid-args', `not a folder: ${given}`);
}
