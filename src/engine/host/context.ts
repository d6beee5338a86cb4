// Engine (host): what every contract handler gets: the library database, settings, the job registry and the event emitter.
import type { Db } from '../store/db.js';
import type { EventName, EventPayload, Method, ParsedArgs, Value } from '../../shared/contract.js';
import type { Job, Settings } from '../../shared/schemas.js';

export interface RunningJob extends Job {
  cancel(): void;
}

export interface HostContext {
  readonly db: Db;
  readonly dbPath: string;
  readonly door: 'electron' | 'web';
  settings(): Settings;
  saveSettings(s: Settings): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  readonly jobs: Map<string, RunningJob>;
  /** A fresh job id; `kind` is part of it so logs read well. */
  newJobId(kind: Job['kind']): string;
}

/** Registers a new job (listed by jobs.list, cancellable by jobs.cancel); the caller deletes it when it ends. */
export function registerJob(
  ctx: HostContext,
  kind: Job['kind'],
  status: Job['status'],
  message: string,
): { jobId: string; signal: AbortSignal } {
  const jobId = ctx.newJobId(kind);
  const abort = new AbortController();
  ctx.jobs.set(jobId, { id: jobId, kind, status, startedAt: Date.now(), message, cancel: () => abort.abort() });
  return { jobId, signal: abort.signal };
}

export type Handler<M extends Method> = (args: ParsedArgs<M>, ctx: HostContext) => Value<M> | Promise<Value<M>>;
export type Handlers = { [M in Method]?: Handler<M> };
