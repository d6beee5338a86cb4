// Engine (api): the small services — what is running (app status), the job list, the user's settings.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { Settings, type Inference } from '../../shared/schemas.js';
import { currentBackend } from '../compute/backend.js';
import { projectRoot } from '../paths.js';
import type { Core } from './core.js';
import { saveSettings } from './settings.js';

/** The app's version from package.json (found from src/ or dist/, or inside a packaged app's asar). */
function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}
const version = appVersion();

/**
 * Which compute runs: the recognizer's ONNX Runtime provider (and, when a GPU provider could not load, why; see
 * [Note: execution providers]) and the TensorFlow.js backend training uses.
 */
export function backendName(inference: Inference): string {
  const tf = currentBackend();
  const why = inference.fallbacks.map((f) => `${f.provider} unavailable: ${f.error}`).join('; ');
  const recognition = `onnxruntime-node/${inference.provider}${inference.loaded ? '' : ' (planned)'}${why ? ` (${why})` : ''}`;
  return `recognition: ${recognition} · training: ${tf ? `TensorFlow.js ${tf.name}` : 'TensorFlow.js (backend chosen at the first training: GPU, then native, then wasm)'}`;
}

export class AppService implements Service<'app'> {
  constructor(private readonly c: Core) {}

  status(_a: ParsedArgs<'app.status'> = {}): Value<'app.status'> {
    return {
      version,
      dbPath: this.c.dbPath,
      dataDir: dirname(this.c.dbPath),
      backend: backendName(this.c.inference()),
      door: this.c.door,
    };
  }
}

export class FilesService implements Service<'files'> {
  constructor(private readonly c: Core) {}

  /** Paths the user chose in this session ([Note: paths are capabilities]). */
  choose(a: ParsedArgs<'files.choose'>): Promise<Value<'files.choose'>> {
    return this.c.grants.choose(a.paths);
  }
}

export class JobsService implements Service<'jobs'> {
  constructor(private readonly c: Core) {}

  list(_a: ParsedArgs<'jobs.list'> = {}): Value<'jobs.list'> {
    return this.c.jobs.list();
  }

  cancel(a: ParsedArgs<'jobs.cancel'>): Value<'jobs.cancel'> {
    this.c.jobs.cancel(a.jobId);
    return { ok: true };
  }
}

export class SettingsService implements Service<'settings'> {
  constructor(private readonly c: Core) {}

  get(_a: ParsedArgs<'settings.get'> = {}): Value<'settings.get'> {
    return this.c.settings();
  }

  set(a: ParsedArgs<'settings.set'>): Value<'settings.set'> {
    const next = Settings.parse({ ...this.c.settings(), ...a });
    saveSettings(this.c.db, next);
    return next;
  }
}
