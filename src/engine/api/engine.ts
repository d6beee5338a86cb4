// Engine (api): THE engine facade — one object per open library whose services own every operation a user can do, for every door.
import { resolve } from 'node:path';
import type {
  EngineApi,
  EventName,
  EventPayload,
  HostEvent,
  Method,
  Namespace,
  ParsedArgs,
  Value,
} from '../../shared/contract.js';
import type { Inference } from '../../shared/schemas.js';
import { activeEmbedder } from '../arcface/embedder.js';
import { FaceIndex, indexPathFor, type IndexOptions } from '../index/hnsw.js';
import { openDb, type Db } from '../store/db.js';
import { HeadStore } from '../store/heads.js';
import { AnalyzePool, InThreadAnalyzer, type Analyzer } from '../library/analyze-pool.js';
import {
  openSession,
  parseProviderSetting,
  providerPlan,
  type ExecutionProvider,
  type ProviderFallback,
  type ProviderSetting,
} from '../vision/ort.js';
import type { FacePipeline } from '../vision/pipeline.js';
import { AppService, FilesService, JobsService, SettingsService } from './app.js';
import { Grants } from './grants.js';
import { CareService } from './care.js';
import { ClusterService } from './cluster.js';
import { Events, Jobs, SerialQueue, type Core } from './core.js';
import { BrowseService, type BrowseRoot } from './browse.js';
import { FacesService } from './faces.js';
import { LibraryService } from './library.js';
import { LookalikeService } from './lookalike.js';
import { HistoryService, PeopleService } from './people.js';
import { PhotosService } from './photos.js';
import { SearchService } from './search.js';
import { loadSettings } from './settings.js';
import { HeadsService, LabService, TrainService } from './train.js';
import { VerifyService } from './verify.js';
import { WatchService, type watchOptions } from './watch.js';

export interface EngineOptions {
  index?: Partial<IndexOptions>;
  /**
   * Loads a face pipeline (called once per analysis lane); default FacePipeline.load(). Tests may hand out one
   * shared pipeline per lane; pipelines from this option are the caller's to dispose.
   */
  loadVision?: (lane: number) => Promise<FacePipeline>;
  /** Analysis workers an import runs (default: one per core; see [Note: import pipeline]). */
  importWorkers?: number;
  /** Execution provider setting (default: FACELENS_INFERENCE, else the library's settings, else 'auto'). */
  inference?: ProviderSetting;
  /** Which door opened the library (app.status says it). */
  door?: 'electron' | 'web' | 'cli';
  /** The folder browser's roots (default: home and mounted drives, [Note: folder browser limits]). */
  browseRoots?: () => BrowseRoot[];
  /** Timings of the folder watcher ([Note: watched folders]); tests shorten them. */
  watch?: Partial<typeof watchOptions>;
}

/**
 * [Note: engine facade] One object per open library; every operation a user can do is a method of one of its
 * services, named as the contract names it (`engine.people.merge(args)` is the contract's `people.merge`), plus
 * the operations only the command line offers (`engine.cluster.evaluate`, `engine.care.doctor`, ...). The host
 * dispatches contract calls here and nothing else; each CLI command parses its arguments, calls the same methods
 * and prints. So a command and the matching UI action cannot behave differently.
 *
 * The database opens at once (migrations run); the HNSW index opens (or rebuilds) on first use; the ONNX models
 * load only when an operation needs to analyse a photo, so listing, stats and a no-change import start fast. Not
 * safe to share between processes writing at once (the index file is rewritten on close): the app's engine owns
 * the library while it runs.
 */
export class Engine {
  readonly app: AppService;
  readonly library: LibraryService;
  readonly files: FilesService;
  readonly jobs: JobsService;
  readonly people: PeopleService;
  readonly history: HistoryService;
  readonly faces: FacesService;
  readonly photos: PhotosService;
  readonly cluster: ClusterService;
  readonly train: TrainService;
  readonly heads: HeadsService;
  readonly lab: LabService;
  readonly lookalike: LookalikeService;
  readonly verify: VerifyService;
  readonly settings: SettingsService;
  readonly search: SearchService;
  readonly browse: BrowseService;
  /** Watched folders: started by the host for the library it opens ([Note: watched folders]). */
  readonly watch: WatchService;
  /** Checking, repairing and backing up a library (the command line's doctor, export, import-backup). */
  readonly care: CareService;

  readonly #core: Core;
  readonly #events = new Events();
  readonly #jobs = new Jobs();
  readonly #queue = new SerialQueue();
  readonly #api: EngineApi;
  #index: FaceIndex | undefined;
  #vision: Promise<FacePipeline>[] = [];
  /** The provider inference loaded on, the setting it was loaded for, and the providers that could not load. */
  #inference: { setting: ProviderSetting; provider: ExecutionProvider; fallbacks: ProviderFallback[] } | undefined;
  #closed = false;

  private constructor(
    readonly db: Db,
    readonly dbPath: string,
    private readonly opts: EngineOptions,
  ) {
    this.#core = {
      db,
      dbPath,
      door: opts.door ?? 'cli',
      index: () => this.#openIndex(),
      resetIndex: () => {
        this.#index?.close(); // its file was rewritten: nothing of it is worth saving
        this.#index = undefined;
      },
      vision: (lane = 0) => this.#loadVision(lane),
      analyzer: (o) => this.#analyzer(o),
      inference: () => this.#inferenceState(),
      inferenceLoaded: (provider, fallbacks) =>
        void (this.#inference = { setting: this.providerSetting(), provider, fallbacks }),
      settings: () => loadSettings(db),
      emit: (event, payload) => this.#events.emit(event, payload),
      jobs: this.#jobs,
      grants: new Grants(db),
      serial: (fn) => {
        this.#check();
        return this.#queue.run(fn);
      },
    };
    const c = this.#core;
    this.app = new AppService(c);
    this.settings = new SettingsService(c);
    this.jobs = new JobsService(c);
    this.library = new LibraryService(c);
    this.files = new FilesService(c);
    this.people = new PeopleService(c);
    this.history = new HistoryService(c);
    this.faces = new FacesService(c, this.library);
    this.photos = new PhotosService(c);
    this.cluster = new ClusterService(c);
    this.heads = new HeadsService(c);
    this.train = new TrainService(c, this.heads);
    this.lab = new LabService(c);
    this.lookalike = new LookalikeService(c, this.heads);
    this.verify = new VerifyService(c);
    this.care = new CareService(c);
    this.search = new SearchService(c);
    this.browse = new BrowseService(opts.browseRoots);
    this.watch = new WatchService(c, this.library, (l) => this.#events.on(l), opts.watch);
    this.#api = {
      app: this.app,
      library: this.library,
      files: this.files,
      jobs: this.jobs,
      people: this.people,
      history: this.history,
      faces: this.faces,
      photos: this.photos,
      cluster: this.cluster,
      train: this.train,
      heads: this.heads,
      lab: this.lab,
      lookalike: this.lookalike,
      verify: this.verify,
      settings: this.settings,
      search: this.search,
      browse: this.browse,
      watch: this.watch,
    };
  }

  static open(dbPath: string, opts: EngineOptions = {}): Engine {
    const path = resolve(dbPath);
    return new Engine(openDb(path), path, opts);
  }

  get indexPath(): string {
    return indexPathFor(this.dbPath);
  }

  /** The HNSW index of the active head (see Core.index). */
  index(): FaceIndex {
    return this.#openIndex();
  }

  /**
   * The execution provider setting: the engine's option, else FACELENS_INFERENCE, else the library's settings
   * (`inferenceProvider`), else 'auto'. See [Note: execution providers].
   */
  providerSetting(): ProviderSetting {
    if (this.opts.inference) return this.opts.inference;
    if (process.env.FACELENS_INFERENCE) return parseProviderSetting(process.env.FACELENS_INFERENCE);
    return this.#core.settings().inferenceProvider;
  }

  /**
   * Finds which provider the setting gives on this machine by loading the smallest model with it (unless a
   * model is loaded already), so stats and status report the provider that runs, and why others did not load.
   */
  async probeInference(): Promise<void> {
    this.#check();
    const setting = this.providerSetting();
    if (this.#inference?.setting === setting) return;
    const s = await openSession('fr_landmark.onnx', { setting });
    this.#inference = { setting, provider: s.provider, fallbacks: s.fallbacks };
    await s.session.release();
  }

  /** Runs contract method `method` with args already checked against its schema (the host's one way in). */
  async call<M extends Method>(method: M, args: ParsedArgs<M>): Promise<Value<M>> {
    this.#check();
    const [ns, verb] = method.split('.') as [Namespace, string];
    const service = this.#api[ns] as unknown as Record<string, (a: unknown) => unknown>;
    return (await service[verb]!.call(service, args)) as Value<M>;
  }

  /** Sends an event to every listener (the engine's own services emit through their Core). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#events.emit(event, payload);
  }

  /** Every event (job progress, library and people changes); returns the unsubscribe function. */
  on(listener: (e: HostEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /** Cancels running jobs, waits for queued work, saves the index, releases the models and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.watch.stop();
    this.#jobs.cancelAll();
    await this.#queue.run(() => undefined).catch(() => undefined);
    this.#closed = true;
    this.#events.clear();
    try {
      this.#saveIndex();
    } finally {
      this.#index?.close(); // shards on worker threads end with it
      const loaded = this.#vision;
      this.#vision = [];
      if (!this.opts.loadVision)
        await Promise.all(loaded.map((v) => v.then((p) => p.dispose()).catch(() => undefined)));
      this.db.close();
    }
  }

  #openIndex(): FaceIndex {
    this.#check();
    const headId = activeEmbedder(this.db).headId;
    if (!this.#index || this.#index.headId !== headId) {
      // Another head became active: the old index is stale by definition (and its file may hold the new head's already).
      this.#index?.close();
      this.#index = FaceIndex.open(this.db, this.indexPath, headId, this.opts.index);
    }
    return this.#index;
  }

  #loadVision(lane: number): Promise<FacePipeline> {
    this.#check();
    this.#vision[lane] ??= (
      this.opts.loadVision
        ? this.opts.loadVision(lane)
        : import('../vision/pipeline.js').then((m) => m.FacePipeline.load({ setting: this.providerSetting() }))
    ).then((p) => {
      this.#inference = { setting: this.providerSetting(), provider: p.provider, fallbacks: p.fallbacks ?? [] };
      return p;
    });
    return this.#vision[lane]!;
  }

  /** The photo analysis of one import: worker threads, or this thread's pipelines when a test hands them out. */
  #analyzer(o: { workers?: number; perWorker?: number }): Analyzer {
    const workers = o.workers ?? this.opts.importWorkers;
    if (this.opts.loadVision) return new InThreadAnalyzer((lane) => this.#loadVision(lane), workers ?? 2);
    return new AnalyzePool({
      setting: this.providerSetting(),
      ...(workers !== undefined ? { workers } : {}),
      ...(o.perWorker !== undefined ? { perWorker: o.perWorker } : {}),
    });
  }

  /** The setting, the provider in use (or planned, until a model loads), and the providers that could not load. */
  #inferenceState(): Inference {
    const setting = this.providerSetting();
    const known = this.#inference?.setting === setting ? this.#inference : undefined;
    return {
      setting,
      provider: known?.provider ?? providerPlan(setting)[0]!,
      loaded: known !== undefined,
      fallbacks: known?.fallbacks ?? [],
    };
  }

  /** Writes the index when it changed and still belongs to the active head (never over a newer head's file). */
  #saveIndex(): void {
    if (this.#index && this.#index.headId === new HeadStore(this.db).active().id) this.#index.save();
  }

  #check(): void {
    if (this.#closed) throw new Error('the library is closed');
  }
}
