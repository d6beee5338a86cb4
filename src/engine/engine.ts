// Engine: the library facade every door calls: open a library (db + HNSW index + lazily loaded vision), import, similar, stats, close.
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { activeEmbedder } from './arcface/embedder.js';
import { FaceIndex, indexPathFor, type IndexOptions, type Neighbour } from './index/hnsw.js';
import { acquireLock } from './jobs/lock.js';
import { AnalyzePool, InThreadAnalyzer } from './library/analyze-pool.js';
import { importFolders, type ImportRunOptions, type ImportSummary } from './library/import.js';
import { openDb, type Db } from './store/db.js';
import { FaceStore } from './store/faces.js';
import { FolderStore } from './store/folders.js';
import { MetaStore } from './store/meta.js';
import { PhotoStore } from './store/photos.js';
import {
  openSession,
  parseProviderSetting,
  providerPlan,
  type ExecutionProvider,
  type ProviderFallback,
  type ProviderSetting,
} from './vision/ort.js';
import type { FacePipeline } from './vision/pipeline.js';

export interface LibraryStats {
  photos: number;
  files: number;
  faces: number;
  failures: number;
  folders: number;
  /** Live faces in the HNSW index (equals the active head's embeddings once the index is open). */
  indexSize: number;
  activeHead: number;
  /** Where inference runs: ONNX Runtime and its execution provider (the one loaded, else the first this machine tries). */
  backend: string;
  /** The provider setting, the provider in use (or planned, until a model loads) and those that could not load. */
  inference: { setting: ProviderSetting; provider: ExecutionProvider; loaded: boolean; fallbacks: ProviderFallback[] };
}

export interface SimilarFace extends Neighbour {
  photoId: number;
  /** One file showing the photo (a photo may have several). */
  path: string | undefined;
  box: { x: number; y: number; w: number; h: number };
}

export class FaceNotFoundError extends Error {
  constructor(readonly faceId: number) {
    super(`no face with id ${faceId} in this library`);
    this.name = 'FaceNotFoundError';
  }
}

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
}

/**
 * [Note: engine facade] One object per open library. The database opens at once (migrations run); the HNSW index
 * opens (or rebuilds) on first use; the ONNX models load only when an import meets a photo that needs analysing, so
 * `stats`, `similar` and a no-change re-import start fast. Not safe to share between processes writing at once
 * (the index file is rewritten on close): the app's worker owns the library while it runs.
 */
export class Engine {
  #index: FaceIndex | undefined;
  #vision: Promise<FacePipeline>[] = [];
  #closed = false;
  /** The provider inference loaded on, the setting it was loaded for, and the providers that could not load. */
  #inference: { setting: ProviderSetting; provider: ExecutionProvider; fallbacks: ProviderFallback[] } | undefined;
  #importing = false;

  private constructor(
    readonly db: Db,
    readonly dbPath: string,
    private readonly opts: EngineOptions,
  ) {}

  static open(dbPath: string, opts: EngineOptions = {}): Engine {
    const path = resolve(dbPath);
    return new Engine(openDb(path), path, opts);
  }

  get indexPath(): string {
    return indexPathFor(this.dbPath);
  }

  /** The HNSW index of the active head, opened (and rebuilt when missing or stale) on first use. */
  index(): FaceIndex {
    this.#check();
    const headId = activeEmbedder(this.db).headId;
    if (!this.#index || this.#index.headId !== headId) {
      // Another head became active: the old index is stale by definition (and its file may hold the new head's already).
      this.#index?.close();
      this.#index = FaceIndex.open(this.db, this.indexPath, headId, this.opts.index);
    }
    return this.#index;
  }

  /** Face pipeline number `lane` (one per concurrent analysis lane), loaded on first call. */
  vision(lane = 0): Promise<FacePipeline> {
    this.#check();
    this.#vision[lane] ??= (
      this.opts.loadVision
        ? this.opts.loadVision(lane)
        : import('./vision/pipeline.js').then((m) => m.FacePipeline.load({ setting: this.providerSetting() }))
    ).then((p) => {
      this.#inference = { setting: this.providerSetting(), provider: p.provider, fallbacks: p.fallbacks ?? [] };
      return p;
    });
    return this.#vision[lane]!;
  }

  /** Adds the folders to the library (by real path) and imports them: new, changed and removed files. */
  async importFolders(folders: string[], run: ImportRunOptions = {}): Promise<ImportSummary> {
    this.#check();
    if (this.#importing) throw new ImportRunningError();
    const store = new FolderStore(this.db);
    const rows = [];
    for (const f of folders) {
      let real: string;
      try {
        real = await realpath(resolve(f));
      } catch {
        real = resolve(f); // a known folder that is unreachable now: the scan records it and removes nothing
        if (!store.byPath(real)) throw new FolderNotFoundError(f);
      }
      rows.push(store.ensure(real));
    }
    const index = this.index();
    const release = acquireLock(`${this.dbPath}.import.lock`);
    this.#importing = true;
    try {
      return await importFolders(
        {
          db: this.db,
          dbPath: this.dbPath,
          index,
          embedder: activeEmbedder(this.db),
          analyzer: (o) =>
            this.opts.loadVision
              ? new InThreadAnalyzer((lane) => this.vision(lane), o.workers ?? 2)
              : new AnalyzePool({
                  setting: this.providerSetting(),
                  ...((o.workers ?? this.opts.importWorkers) !== undefined
                    ? { workers: (o.workers ?? this.opts.importWorkers)! }
                    : {}),
                  ...(o.perWorker !== undefined ? { perWorker: o.perWorker } : {}),
                }),
        },
        rows,
        run,
      ).then((summary) => {
        if (summary.provider)
          this.#inference = {
            setting: this.providerSetting(),
            provider: summary.provider,
            fallbacks: summary.fallbacks ?? [],
          };
        return summary;
      });
    } finally {
      this.#importing = false;
      try {
        this.#saveIndex();
      } finally {
        release();
      }
    }
  }

  /** The k faces most like face `faceId` (itself excluded), most similar first. */
  similar(faceId: number, k: number): SimilarFace[] {
    this.#check();
    const faces = new FaceStore(this.db);
    const photos = new PhotoStore(this.db);
    const face = faces.face(faceId);
    if (!face) throw new FaceNotFoundError(faceId);
    const index = this.index();
    const emb = faces.embedding(faceId);
    if (!emb || emb.headId !== index.headId)
      throw new Error(`face ${faceId} has no embedding for the active head ${index.headId}`);
    return index.search(emb.vec, k, faceId).map((n) => {
      const f = faces.face(n.faceId)!;
      return { ...n, photoId: f.photoId, path: photos.filesOfPhoto(f.photoId)[0]?.path, box: f.box };
    });
  }

  stats(): LibraryStats {
    this.#check();
    const setting = this.providerSetting();
    const known = this.#inference?.setting === setting ? this.#inference : undefined;
    const provider = known?.provider ?? providerPlan(setting)[0]!;
    const p = new PhotoStore(this.db).counts();
    const f = new FaceStore(this.db).counts();
    const index = this.index();
    return {
      photos: p.photos,
      files: p.files,
      faces: f.faces,
      failures: p.failures,
      folders: new FolderStore(this.db).list().length,
      indexSize: index.size,
      activeHead: index.headId,
      backend: `onnxruntime-node/${provider}`,
      inference: { setting, provider, loaded: known !== undefined, fallbacks: known?.fallbacks ?? [] },
    };
  }

  /**
   * The execution provider setting: the engine's option, else FACELENS_INFERENCE, else the library's settings
   * (`inferenceProvider`, kept by the host in the meta table), else 'auto'. See [Note: execution providers].
   */
  providerSetting(): ProviderSetting {
    if (this.opts.inference) return this.opts.inference;
    if (process.env.FACELENS_INFERENCE) return parseProviderSetting(process.env.FACELENS_INFERENCE);
    try {
      const stored = JSON.parse(new MetaStore(this.db).get('settings') ?? '{}') as { inferenceProvider?: unknown };
      return parseProviderSetting(stored.inferenceProvider);
    } catch {
      return 'auto';
    }
  }

  /**
   * Finds which provider the setting gives on this machine by loading the smallest model with it (unless a
   * model is loaded already), so `stats` reports the provider that runs, and why others did not load.
   */
  async probeInference(): Promise<void> {
    this.#check();
    const setting = this.providerSetting();
    if (this.#inference?.setting === setting) return;
    const s = await openSession('fr_landmark.onnx', { setting });
    this.#inference = { setting, provider: s.provider, fallbacks: s.fallbacks };
    await s.session.release();
  }

  /** Saves the index, releases the models and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
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

  /** Writes the index when it changed and still belongs to the active head (never over a newer head's file). */
  #saveIndex(): void {
    const active = this.db.prepare('SELECT id FROM heads WHERE active = 1').get() as { id: number } | undefined;
    if (this.#index && this.#index.headId === active?.id) this.#index.save();
  }

  #check(): void {
    if (this.#closed) throw new Error('the library is closed');
  }
}

/** One import at a time per library: a second one would race the first for the same files. */
export class ImportRunningError extends Error {
  constructor() {
    super('an import is already running in this library');
    this.name = 'ImportRunningError';
  }
}

export class FolderNotFoundError extends Error {
  constructor(readonly folder: string) {
    super(`folder not found: ${folder}`);
    this.name = 'FolderNotFoundError';
  }
}
