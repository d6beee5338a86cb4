// Engine (vision): onnxruntime-node sessions for the frozen models, on the best execution provider this machine has.
// [Note: ORT threads] onnxruntime-node's `session.run` runs on the calling thread: the JavaScript thread waits for
// the whole inference (measured: two sessions awaited side by side on one thread use one core, and a 1 ms timer
// does not fire during a run). So parallel inference needs worker threads, each with its own sessions; the import
// runs one analysis worker per core with 1 intra-op thread each (library/analyze-pool.ts). `verify`, which runs one
// pipeline on the calling thread, passes 2 intra-op threads.
//
// [Note: execution providers] Which provider runs inference is chosen at run time. The setting (Settings page,
// `inferenceProvider`, or FACELENS_INFERENCE for the CLI) is 'auto' or one provider. 'auto' tries, in order, the
// GPU providers this platform can have — CUDA where onnxruntime-node's CUDA libraries were installed (its npm
// build has them for Linux x64; a Windows build from source may too), DirectML on Windows, CoreML on macOS — then
// CPU. A named provider is tried first, then CPU. A provider
// that fails to load (not built into this onnxruntime-node, its libraries or driver missing, no device) falls
// back to the next; every fallback is recorded with ORT's reason, for `stats` and the Settings page.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { modelsDir } from '../paths.js';
import { rewriteModel, type ModelRewrite } from './onnx-graph.js';

export type ExecutionProvider = 'cuda' | 'dml' | 'coreml' | 'cpu';
/** What the user may choose: 'auto' (the best this machine has) or one provider (CPU if it cannot load). */
export type ProviderSetting = 'auto' | ExecutionProvider;
export const PROVIDER_SETTINGS: readonly ProviderSetting[] = ['auto', 'cuda', 'dml', 'coreml', 'cpu'];

export interface SessionOptions {
  /** Folder holding the .onnx files (default: resources/models, or FACELENS_MODELS). */
  dir?: string;
  /** Intra-op threads per session (default 1; see [Note: ORT threads]). */
  threads?: number;
  /** Providers to try in order, CPU always last (default: providerPlan of `setting`). */
  providers?: ExecutionProvider[];
  /** The user's choice, when `providers` is not given (default 'auto'). */
  setting?: ProviderSetting;
  /** Rewrites applied to the model before it loads on a provider (see onnx-graph.ts). */
  rewrite?: ModelRewrite | ((provider: ExecutionProvider) => ModelRewrite);
  /** Creates a session (default: ORT's); tests pass one that fails as a missing GPU driver would. */
  create?: SessionFactory;
}

export type SessionFactory = (
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
) => Promise<ort.InferenceSession>;

/** A provider that could not be used, and ORT's reason. */
export interface ProviderFallback {
  provider: ExecutionProvider;
  error: string;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  file: string;
  /** Providers tried before `provider` that failed to load. */
  fallbacks: ProviderFallback[];
}

/** What this machine offers, as the plan needs it (a parameter so the plan is testable for every platform). */
export interface ProviderProbe {
  platform: NodeJS.Platform;
  /** onnxruntime-node's CUDA provider libraries are installed beside its binding (an optional download). */
  cudaInstalled: boolean;
}

/** True when onnxruntime-node's CUDA provider libraries were installed beside its binding (they are optional). */
export function cudaInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(pkg, 'bin', 'napi-v6', process.platform, process.arch, lib));
  } catch {
    return false;
  }
}

export function probeMachine(): ProviderProbe {
  return { platform: process.platform, cudaInstalled: cudaInstalled() };
}

/** The providers to try, in order, for a setting on a machine; CPU is always the last (see [Note: execution providers]). */
export function providerPlan(
  setting: ProviderSetting = 'auto',
  probe: ProviderProbe = probeMachine(),
): ExecutionProvider[] {
  if (setting === 'cpu') return ['cpu'];
  if (setting !== 'auto') return [setting, 'cpu'];
  const { platform } = probe;
  const cuda: ExecutionProvider[] = platform !== 'darwin' && probe.cudaInstalled ? ['cuda'] : [];
  if (platform === 'win32') return [...cuda, 'dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return [...cuda, 'cpu'];
}

/** GPU providers worth trying on this machine, then CPU (the 'auto' plan). */
export function defaultProviders(platform = process.platform): ExecutionProvider[] {
  return providerPlan('auto', { platform, cudaInstalled: platform === process.platform && cudaInstalled() });
}

/** The setting from an environment variable or a stored value; anything else is 'auto'. */
export function parseProviderSetting(v: unknown): ProviderSetting {
  return typeof v === 'string' && (PROVIDER_SETTINGS as readonly string[]).includes(v.toLowerCase())
    ? (v.toLowerCase() as ProviderSetting)
    : 'auto';
}

/** Path of a model file, with an error that says how to get it when it is missing. */
export function modelPath(file: string, dir = modelsDir()): string {
  const p = join(dir, file);
  if (!existsSync(p))
    throw new Error(
      `model file ${file} is missing from ${dir}: run \`npm install\` (or \`node scripts/fetch-models.mjs\`) to fetch it`,
    );
  return p;
}

const ortCreate: SessionFactory = (model, options) => ort.InferenceSession.create(model, options);

/** Opens a model, trying each provider of the plan in turn and falling back to CPU. */
export async function openSession(file: string, opts: SessionOptions = {}): Promise<LoadedSession> {
  const bytes = readFileSync(modelPath(file, opts.dir));
  const models = new Map<string, Uint8Array>(); // one rewrite per distinct set of rewrites
  const modelFor = (provider: ExecutionProvider) => {
    const r = typeof opts.rewrite === 'function' ? opts.rewrite(provider) : (opts.rewrite ?? {});
    const key = JSON.stringify(r);
    if (!models.has(key)) models.set(key, rewriteModel(bytes, r));
    return models.get(key)!;
  };
  const plan = opts.providers ?? providerPlan(opts.setting ?? 'auto');
  const threads = opts.threads ?? 1;
  const create = opts.create ?? ortCreate;
  const fallbacks: ProviderFallback[] = [];
  for (const provider of plan.includes('cpu') ? plan : [...plan, 'cpu' as const]) {
    try {
      const session = await create(modelFor(provider), {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // A GPU provider that cannot load is expected on most machines: its reason is recorded, not printed.
        logSeverityLevel: provider === 'cpu' ? 2 : 4,
      });
      return { session, provider, file, fallbacks };
    } catch (err) {
      fallbacks.push({ provider, error: firstLine(err) });
    }
  }
  throw new Error(`cannot load model ${file}: ${fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')}`);
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 300);
}

/**
 * The largest batch a session's first input takes: unbounded when its batch dimension is symbolic (see [Note:
 * dynamic batch]), else the number the model declares (1 for the shipped files as they are).
 */
export function batchLimit(loaded: LoadedSession): number {
  const meta = loaded.session.inputMetadata?.[0] as { shape?: readonly (number | string)[] } | undefined;
  const first = meta?.shape?.[0];
  return typeof first === 'number' && first > 0 ? first : Number.POSITIVE_INFINITY;
}

/** sha256 of a file (hex), to check model files against resources/models/manifest.json. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export { ort };
