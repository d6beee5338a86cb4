// Engine (api): photos as the user sees them — one photo with its faces, lists newest first (the timeline, a person's photos, people together, a folder, dates), a photo's place in a list, and the files a door shows.
import type { ParsedArgs, Service, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { PhotoFilter } from '../../shared/schemas.js';
import { PhotoFiles } from '../library/photo-files.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';

/** The filter part of a list call's args (the rest is paging or the photo asked about). */
function filterOf(a: PhotoFilter): views.PhotoFilter {
  return { personIds: a.personIds, folder: a.folder, from: a.from, to: a.to };
}

/** See [Note: photo lists] and [Note: photo date]. */
export class PhotosService implements Service<'photos'> {
  readonly #files: PhotoFiles;

  constructor(private readonly c: Core) {
    this.#files = new PhotoFiles(c.db, c.dbPath);
  }

  get(a: ParsedArgs<'photos.get'>): Value<'photos.get'> {
    const p = views.photo(this.c.db, a.photoId, this.c.settings().minQuality);
    if (!p) throw new ApiError('not-found', `photo ${a.photoId} does not exist (it may have left the library)`);
    return p;
  }

  /** A page of photos newest first: all of them, or those of every chosen person, a folder, a date range. */
  list(a: ParsedArgs<'photos.list'>): Value<'photos.list'> {
    this.#checkPeople(a.personIds);
    return views.photoPage(this.c.db, filterOf(a), a.offset, a.limit);
  }

  /** How many photos of the list fall in each month, newest first: the timeline's sections. */
  months(a: ParsedArgs<'photos.months'>): Value<'photos.months'> {
    this.#checkPeople(a.personIds);
    return views.photoMonths(this.c.db, filterOf(a));
  }

  /** Where a photo sits in a list and its neighbours: the viewer's previous and next. */
  around(a: ParsedArgs<'photos.around'>): Value<'photos.around'> {
    return views.photoAround(this.c.db, filterOf(a), a.photoId);
  }

  /** A photo's grid thumbnail, made on first request ([Note: photo renditions]). */
  thumbFile(photoId: number): Promise<string | undefined> {
    return this.#files.thumb(photoId);
  }

  /** What the viewer shows: the photo's own file, or a JPEG of a HEIC/TIFF photo ([Note: photo renditions]). */
  viewFile(photoId: number): Promise<string | undefined> {
    return this.#files.view(photoId);
  }

  #checkPeople(ids: readonly number[] | undefined): void {
    for (const id of ids ?? [])
      if (!views.person(this.c.db, id)) throw new ApiError('not-found', `person ${id} does not exist`);
  }
}
