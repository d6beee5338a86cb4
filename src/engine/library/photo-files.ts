// Engine (library): the files a door shows for a photo — a grid thumbnail, and the viewer's JPEG of a photo a browser cannot show (HEIC, TIFF) — made on first request and kept, named by content.
import { constants } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { containedFile } from '../contained.js';
import { needsRendition, renderJpeg } from '../image/render.js';
import { readPhotoFile } from '../image/read.js';
import type { Db } from '../store/db.js';
import { PhotoStore } from '../store/photos.js';

export const photoFileOptions = {
  /** Longer side of a grid thumbnail (px): sharp on a 2x screen at the grid's largest cell. */
  thumbSide: 360,
  thumbQuality: 76,
  /** Longer side of the viewer's JPEG of a HEIC or TIFF photo (px). */
  viewSide: 4096,
  viewQuality: 88,
  /** Renditions made at once (each decodes a photo); the rest wait, newest request first. */
  concurrency: 2,
  /**
   * Requests waiting beyond this many are dropped, oldest first (answered "no file"): a fast scroll through a
   * 100k-photo timeline asks for thumbnails of rows already gone, and the rows now in view must not wait for them.
   */
  maxWaiting: 96,
};

/**
 * [Note: photo renditions] A door shows a photo's grid thumbnail and, for formats browsers cannot show, a JPEG copy
 * in the viewer. Both are derived caches like face thumbnails ([Note: thumbnails are derived]), made on the first
 * request from the photo's first readable file inside its library folder ([Note: no path outside]) and kept under
 * <db folder>/photo-thumbs and photo-views named by the photo's content hash, never by its id: an id may be reused
 * by SQLite after a photo leaves the library, a hash always names the same pixels. Requests queue newest first with
 * a bound (see photoFileOptions.maxWaiting), so scrolling never waits behind rows the user has passed.
 */
export class PhotoFiles {
  readonly #db: Db;
  readonly #dir: string;
  readonly #o: typeof photoFileOptions;
  readonly #inFlight = new Map<string, Promise<string | undefined>>();
  readonly #waiting: { grant(): void; drop(): void }[] = [];
  #running = 0;

  constructor(db: Db, dbPath: string, opts: Partial<typeof photoFileOptions> = {}) {
    this.#db = db;
    this.#dir = dirname(dbPath);
    this.#o = { ...photoFileOptions, ...opts };
  }

  /** The grid thumbnail (JPEG) of a photo, made when first asked; undefined when the photo has no readable file. */
  thumb(photoId: number): Promise<string | undefined> {
    return this.#render(photoId, 'photo-thumbs', this.#o.thumbSide, this.#o.thumbQuality);
  }

  /** The file the viewer shows: the photo's own file, or a JPEG copy when a browser cannot show its format. */
  async view(photoId: number): Promise<string | undefined> {
    const sources = this.#sources(photoId);
    for (const file of sources) {
      const head = await readHead(file);
      if (head && !needsRendition(head)) return file;
    }
    if (!sources.length) return undefined;
    return this.#render(photoId, 'photo-views', this.#o.viewSide, this.#o.viewQuality);
  }

  /** The photo's files that lie inside their library folder ([Note: no path outside]), real paths. */
  #sources(photoId: number): string[] {
    if (!Number.isSafeInteger(photoId) || photoId <= 0) return [];
    return new PhotoStore(this.#db).filesWithFolder(photoId).flatMap((f) => containedFile(f.root, f.path) ?? []);
  }

  async #render(photoId: number, kind: string, side: number, quality: number): Promise<string | undefined> {
    if (!Number.isSafeInteger(photoId) || photoId <= 0) return undefined;
    const row = new PhotoStore(this.#db).photo(photoId);
    if (!row || !/^[A-Za-z0-9_-]{1,128}$/.test(row.hash)) return undefined; // a hash names the file: nothing else
    const root = join(this.#dir, kind);
    const path = join(root, row.hash.slice(0, 2).padEnd(2, '_'), `${row.hash}.jpg`);
    const made = containedFile(root, path);
    if (made) return made;
    const key = `${kind}/${row.hash}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const job = (async () => {
      if (!(await this.#slot())) return undefined;
      try {
        for (const file of this.#sources(photoId)) {
          try {
            const { bytes } = await readPhotoFile(file);
            const jpeg = await renderJpeg(bytes, { maxSide: side, quality });
            await mkdir(dirname(path), { recursive: true });
            const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
            await writeFile(tmp, jpeg);
            await rename(tmp, path); // whole or absent: a reader never sees half a JPEG
            return containedFile(root, path);
          } catch {
            // this file cannot be read now: try the photo's next one
          }
        }
        return undefined;
      } finally {
        this.#release();
      }
    })().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, job);
    return job;
  }

  /** Waits for a free rendering slot (newest request first); false when dropped to bound the wait. */
  #slot(): Promise<boolean> {
    if (this.#running < this.#o.concurrency) {
      this.#running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.#waiting.push({
        grant: () => {
          this.#running++;
          resolve(true);
        },
        drop: () => resolve(false),
      });
      while (this.#waiting.length > this.#o.maxWaiting) this.#waiting.shift()!.drop();
    });
  }

  #release(): void {
    this.#running--;
    this.#waiting.pop()?.grant(); // newest first: the rows in view now
  }
}

/** The first 16 bytes of a file (what sniffFormat reads), or undefined when it cannot be read. */
async function readHead(path: string): Promise<Uint8Array | undefined> {
  try {
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const b = Buffer.alloc(16);
      const { bytesRead } = await fh.read(b, 0, 16, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}
