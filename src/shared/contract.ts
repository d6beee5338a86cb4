// Shared (every door and the renderer): THE contract — every method the UI may call, its argument and result schemas, and the events it may hear.
import { z } from 'zod';
import {
  Curve,
  Evaluation,
  Face,
  Failure,
  Folder,
  Head,
  HistoryEntry,
  Id,
  Job,
  Loss,
  Margins,
  Page,
  Person,
  Photo,
  PhotoCard,
  PhotoFilter,
  Settings,
  Similar,
  Stats,
} from './schemas.js';
import { LibrarySeparation, LookalikeReport } from './lookalike.js';

/**
 * [Note: one contract] Each entry is `namespace.verb: { args, result }`. Doors (Electron IPC, the web door) validate
 * `args` with zod before the engine sees them and answer a Result (see [Note: errors cross the boundary]). The
 * preload and the web client build a namespaced API (`api.people.merge(args)`) from the method names, so a method
 * exists in the UI exactly when it exists here. The renderer imports this file's types only (`import type`).
 * Args are strict objects: an unknown key is an error, not silently ignored.
 */
const none = z.strictObject({});
const paging = { offset: z.int().nonnegative().default(0), limit: z.int().positive().max(5000).default(200) };
const faceIds = z.array(Id).min(1).max(100_000);
const absPath = z.string().min(1).max(4096);
const done = z.object({ ok: z.literal(true) });
/** Images sent by value (Verify page drop): base64 of the file's bytes, 20 MB at most. */
const imageUpload = z.strictObject({ name: z.string().max(255), base64: z.string().min(1).max(28_000_000) });

export const contract = {
  'app.status': {
    args: none,
    result: z.object({
      version: z.string(),
      dbPath: z.string(),
      dataDir: z.string(),
      backend: z.string(),
      door: z.enum(['electron', 'web', 'cli']),
    }),
  },
  'library.stats': { args: none, result: Stats },
  'library.folders': { args: none, result: z.array(Folder) },
  'library.addFolders': {
    args: z.strictObject({ paths: z.array(absPath).min(1).max(100) }),
    result: z.object({ jobId: z.string() }),
  },
  'library.rescan': { args: z.strictObject({ folderId: Id.optional() }), result: z.object({ jobId: z.string() }) },
  'library.removeFolder': {
    args: z.strictObject({ folderId: Id }),
    result: z.object({ photosRemoved: z.int().nonnegative() }),
  },
  'library.failures': { args: z.strictObject({ ...paging }), result: Page(Failure) },

  /**
   * Paths the user chose (typed and confirmed in the web door; the window's dialogs and drops choose through
   * Electron's main, never its renderer): only the library's folders and chosen paths may be handed to
   * library.addFolders, verify.evaluate and train.start ([Note: paths are capabilities]).
   */
  'files.choose': {
    args: z.strictObject({ paths: z.array(absPath).min(1).max(100) }),
    result: z.array(z.object({ path: z.string(), kind: z.enum(['file', 'folder']) })),
  },

  'jobs.list': { args: none, result: z.array(Job) },
  'jobs.cancel': { args: z.strictObject({ jobId: z.string().min(1).max(100) }), result: done },

  'people.list': {
    args: z.strictObject({
      ...paging,
      includeHidden: z.boolean().default(false),
      named: z.enum(['all', 'named', 'unnamed']).default('all'),
    }),
    result: Page(Person),
  },
  'people.get': { args: z.strictObject({ personId: Id }), result: Person },
  'people.faces': { args: z.strictObject({ personId: Id, ...paging }), result: Page(Face) },
  /** Faces in nobody: unknown faces, and low-quality faces kept apart (`lowQuality: true`). */
  'people.unknown': { args: z.strictObject({ ...paging, lowQuality: z.boolean().default(false) }), result: Page(Face) },
  'people.rename': { args: z.strictObject({ personId: Id, name: z.string().trim().min(1).max(200) }), result: Person },
  'people.merge': { args: z.strictObject({ intoId: Id, fromIds: z.array(Id).min(1).max(1000) }), result: Person },
  'people.split': {
    args: z.strictObject({ faceIds, name: z.string().trim().min(1).max(200).optional() }),
    result: Person,
  },
  'people.move': { args: z.strictObject({ faceIds, toPersonId: Id }), result: done },
  'people.confirm': { args: z.strictObject({ personId: Id, faceIds }), result: done },
  'people.reject': { args: z.strictObject({ personId: Id, faceIds }), result: done },
  'people.hide': { args: z.strictObject({ personId: Id, hidden: z.boolean() }), result: done },
  'people.setCover': { args: z.strictObject({ personId: Id, faceId: Id }), result: done },
  /** "Is this X?": faces that may be this person, best first; rejected faces never come back. */
  'people.suggestions': {
    args: z.strictObject({ personId: Id, limit: z.int().positive().max(500).default(50) }),
    result: z.array(Similar),
  },
  /** "Name this group": unnamed groups, largest first, each with the closest named people at or above suggestThreshold. */
  'people.nameQueue': {
    args: z.strictObject({ limit: z.int().positive().max(500).default(50) }),
    result: z.array(
      z.object({ person: Person, closest: z.array(z.object({ person: Person, similarity: z.number() })) }),
    ),
  },
  /**
   * The questions worth asking next, most useful first (see [Note: question order]): name a group, or "Is this
   * X?" about one face. `gain` is the faces one answer is expected to place.
   */
  'people.questions': {
    args: z.strictObject({ limit: z.int().positive().max(100).default(20) }),
    result: z.array(
      z.discriminatedUnion('kind', [
        z.object({
          kind: z.literal('name'),
          gain: z.number(),
          person: Person,
          closest: z.array(z.object({ person: Person, similarity: z.number() })),
        }),
        z.object({
          kind: z.literal('suggest'),
          gain: z.number(),
          person: Person,
          face: Face,
          similarity: z.number(),
        }),
      ]),
    ),
  },

  'faces.get': { args: z.strictObject({ faceId: Id }), result: Face },
  'faces.similar': {
    args: z.strictObject({ faceId: Id, k: z.int().positive().max(500).default(24) }),
    result: z.array(Similar),
  },
  /** A face box drawn by hand on a photo, in oriented photo pixels: aligned, embedded and clustered like any other. */
  'faces.addManual': {
    args: z.strictObject({
      photoId: Id,
      box: z.strictObject({
        x: z.number().nonnegative(),
        y: z.number().nonnegative(),
        w: z.number().min(8),
        h: z.number().min(8),
      }),
    }),
    result: Face,
  },
  /** The file a face was found in (the photo's first file): shown on hover and in the viewer. */
  'faces.source': {
    args: z.strictObject({ faceId: Id }),
    result: z.object({ photoId: Id, path: z.string().nullable() }),
  },
  'photos.get': { args: z.strictObject({ photoId: Id }), result: Photo },
  /** Photos newest first by their date (EXIF, else the file's time): all, every chosen person in them, a folder, dates. */
  'photos.list': { args: z.strictObject({ ...PhotoFilter.shape, ...paging }), result: Page(PhotoCard) },
  /** How many photos of the same list fall in each month ('YYYY-MM', local time; 'undated' last), newest first. */
  'photos.months': {
    args: PhotoFilter,
    result: z.array(z.object({ key: z.string(), count: z.int().positive() })),
  },
  /** A photo's place in a list and the photos before and after it (null at the ends; index null: not in the list). */
  'photos.around': {
    args: z.strictObject({ ...PhotoFilter.shape, photoId: Id }),
    result: z.object({
      index: z.int().nonnegative().nullable(),
      total: z.int().nonnegative(),
      prev: Id.nullable(),
      next: Id.nullable(),
    }),
  },

  /** A search box anywhere: people by name, people together ("Anna and Ben"), folders by name, a month or year. */
  'search.query': {
    args: z.strictObject({ q: z.string().trim().min(1).max(200), limit: z.int().positive().max(50).default(8) }),
    result: z.object({
      people: z.array(Person),
      /** Two or more names joined by "and", "&", "," or "with", each found: their photos together. */
      together: z.array(Person),
      folders: z.array(z.object({ path: z.string(), files: z.int().nonnegative() })),
      dates: z.array(z.object({ label: z.string(), from: z.number(), to: z.number() })),
    }),
  },

  /**
   * The folder browser of a door without a folder dialog: no path lists the roots (home, mounted drives); a path
   * inside them lists its sub-folders. Paths outside the roots are refused by the engine.
   */
  'browse.list': {
    args: z.strictObject({ path: absPath.optional(), hidden: z.boolean().default(false) }),
    result: z.object({
      path: z.string().nullable(),
      parent: z.string().nullable(),
      roots: z.array(z.object({ path: z.string(), label: z.string() })),
      folders: z.array(z.object({ name: z.string(), path: z.string() })),
      /** Photo files directly in this folder. */
      images: z.int().nonnegative(),
      truncated: z.boolean(),
    }),
  },

  /** The watched folders: photos added or deleted while the app runs reach the library without a rescan. */
  'watch.status': {
    args: none,
    result: z.object({
      active: z.boolean(),
      folders: z.array(z.object({ path: z.string(), watching: z.boolean(), error: z.string().nullable() })),
      /** Folders waiting for a rescan, plus one while a rescan runs. */
      pending: z.int().nonnegative(),
      rescans: z.int().nonnegative(),
      lastError: z.string().nullable(),
    }),
  },

  'history.list': {
    args: z.strictObject({ limit: z.int().positive().max(1000).default(50) }),
    result: z.array(HistoryEntry),
  },
  'history.undo': { args: none, result: z.object({ entry: HistoryEntry.nullable() }) },
  'history.redo': { args: none, result: z.object({ entry: HistoryEntry.nullable() }) },

  /** What a full re-cluster would change, without changing it. */
  'cluster.preview': {
    args: none,
    result: z.object({
      peopleBefore: z.int().nonnegative(),
      peopleAfter: z.int().nonnegative(),
      facesMoved: z.int().nonnegative(),
      newPeople: z.int().nonnegative(),
      removedPeople: z.int().nonnegative(),
      /** Named or user-touched people are never renamed or dropped; this lists what would reach them. */
      changes: z.array(
        z.object({ personId: Id.nullable(), name: z.string().nullable(), gained: z.int(), lost: z.int() }),
      ),
    }),
  },
  'cluster.apply': { args: none, result: z.object({ people: z.int().nonnegative(), unknown: z.int().nonnegative() }) },

  /** The seed's figure: target logit against theta for the chosen margins (pure maths, no training). */
  'train.curves': {
    args: z.strictObject({
      curves: z
        .array(z.strictObject({ loss: Loss, margins: Margins.partial().strict().default({}) }))
        .min(1)
        .max(12),
    }),
    result: z.array(Curve),
  },
  'train.start': {
    args: z.strictObject({
      personIds: z.array(Id).max(10_000).optional(),
      labelsDir: absPath.optional(),
      aligned: z.boolean().default(false),
      loss: Loss,
      margins: Margins,
      epochs: z.int().positive().max(500).default(20),
      holdout: z.number().min(0).max(0.9).default(0.3),
      embeddingDim: z.union([z.literal(2), z.literal(3), z.literal(512)]).default(512),
      seed: z.int().default(1),
    }),
    result: z.object({ jobId: z.string() }),
  },
  'heads.list': { args: none, result: z.array(Head) },
  'heads.activate': { args: z.strictObject({ headId: Id }), result: z.object({ reembedded: z.int().nonnegative() }) },
  'lab.table': {
    args: none,
    result: z.object({
      columns: z.array(z.string()),
      rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
    }),
  },
  /** Points of a finished 2-D/3-D training run's features for a few identities (the seed's softmax-vs-ArcFace picture). */
  'train.featurePicture': {
    args: z.strictObject({ jobId: z.string().min(1).max(100) }),
    result: z.object({
      dim: z.union([z.literal(2), z.literal(3)]),
      points: z.array(z.object({ label: z.string(), v: z.array(z.number()) })),
    }),
  },

  /** How well two people are told apart under a head (default: the active one): histograms and false-match rates. */
  'lookalike.separation': {
    args: z.strictObject({ a: Id, b: Id, headId: Id.optional() }),
    result: LibrarySeparation,
  },
  /** Fine-tune the active head on the named people, A and B among them; a 'train' job whose last event names the new head. */
  'lookalike.fineTune': {
    args: z.strictObject({
      a: Id,
      b: Id,
      epochs: z.int().positive().max(500).default(40),
      holdout: z.number().min(0.1).max(0.9).default(0.5),
      seed: z.int().default(1),
      userOnly: z.boolean().default(false),
    }),
    result: z.object({ jobId: z.string() }),
  },
  /** The before/after on held-out faces stored with a head trained by a look-alike fine-tune (null for other heads). */
  'lookalike.report': { args: z.strictObject({ headId: Id }), result: LookalikeReport.nullable() },

  'verify.faces': {
    args: z.strictObject({ faceA: Id, faceB: Id }),
    result: z.object({ similarity: z.number(), threshold: z.number(), same: z.boolean(), headId: Id }),
  },
  'verify.images': {
    args: z.strictObject({ a: imageUpload, b: imageUpload }),
    result: z.object({
      similarity: z.number().nullable(),
      threshold: z.number(),
      same: z.boolean(),
      /** The aligned 112x112 crops as JPEG data URLs, for the side-by-side view; null when no face was found. */
      cropA: z.string().nullable(),
      cropB: z.string().nullable(),
      message: z.string().nullable(),
    }),
  },
  'verify.evaluate': {
    args: z.strictObject({
      source: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('people') }),
        z.strictObject({
          kind: z.literal('pairs'),
          pairsFile: absPath,
          root: absPath,
          aligned: z.boolean().default(false),
        }),
      ]),
      headIds: z.array(Id).max(10).optional(),
      maxPairs: z.int().positive().max(100_000).default(6000),
    }),
    result: z.array(Evaluation),
  },

  'settings.get': { args: none, result: Settings },
  'settings.set': { args: Settings.partial().strict(), result: Settings },
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a caller passes (defaults may be left out). */
export type Args<M extends Method> = z.input<Contract[M]['args']>;
/** What the engine side receives after validation (defaults filled in). */
export type ParsedArgs<M extends Method> = z.output<Contract[M]['args']>;
export type Value<M extends Method> = z.output<Contract[M]['result']>;

export const METHODS = Object.keys(contract) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

/** Progress of a long job: a small union keyed on `status` (done never decreases; total is fixed while importing). */
export const ImportProgress = z.object({
  jobId: z.string(),
  kind: z.literal('import'),
  status: z.enum(['scanning', 'importing', 'complete', 'failed', 'cancelled']),
  stage: z.string().nullable(),
  done: z.int().nonnegative(),
  total: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  faces: z.int().nonnegative(),
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  message: z.string().nullable(),
});
export const TrainProgress = z.object({
  jobId: z.string(),
  kind: z.literal('train'),
  status: z.enum(['running', 'complete', 'failed', 'cancelled']),
  epoch: z.int().nonnegative(),
  step: z.int().nonnegative(),
  loss: z.number().nullable(),
  accuracy: z.number().nullable(),
  samplesPerSecond: z.number().nullable(),
  headId: Id.nullable(),
  message: z.string().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;
export type TrainProgress = z.infer<typeof TrainProgress>;

export const events = {
  'job.progress': z.discriminatedUnion('kind', [ImportProgress, TrainProgress]),
  /** Folders, photos or faces changed (import, rescan, removal, manual face). */
  'library.changed': z.object({ reason: z.string() }),
  /** People or assignments changed (any people op, undo/redo, re-cluster). */
  'people.changed': z.object({ reason: z.string() }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
/** One event as the engine sends it to the doors. */
export type HostEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/** The namespaced API both doors give the renderer: `api.people.merge(args)` returns the value or throws ApiError. */
export type Namespace = Method extends `${infer NS}.${string}` ? NS : never;
/**
 * The engine's side of the same contract: every method is a service method of the engine facade
 * (`engine.people.merge(args)`), taking the parsed args and giving the value. The facade declares it implements
 * this type, so a method in the contract without an engine operation does not compile.
 */
export type EngineApi = {
  [NS in Namespace]: {
    [M in Method as M extends `${NS}.${infer Verb}` ? Verb : never]: (
      args: ParsedArgs<M>,
    ) => Value<M> | Promise<Value<M>>;
  };
};

/** One namespace of EngineApi: what a service of the facade implements (`class PeopleService implements Service<'people'>`). */
export type Service<NS extends Namespace> = EngineApi[NS];

export type Api = {
  [NS in Namespace]: {
    [M in Method as M extends `${NS}.${infer Verb}` ? Verb : never]: (
      ...args: Record<never, never> extends Args<M> ? [args?: Args<M>] : [args: Args<M>]
    ) => Promise<Value<M>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
