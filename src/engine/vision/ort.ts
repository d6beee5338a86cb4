// Engine (vision): onnxruntime-node sessions for the frozen models, with the best execution provider present.
// [Note: ORT threads] ORT runs `session.run` on its own threads, so the caller's event loop (sharp decoding the next
// photo, SQLite writes) keeps going meanwhile. Default: 1 intra-op thread per session, and on a 2-core machine two
// pipelines side by side, each decoding its next photo during inference. Measured on celeba-wild (bench/vision.ts,
// 2-core VM): 2 pipelines x 1 thread 33.4 photos/s, 1 pipeline x 2 threads 17.2 photos/s (the recognizer alone is
// 10.8 ms with 1 thread and 6.6 ms with 2: a second thread buys less than the parallel work it displaces).
// `verify`, which runs one pipeline, passes 2.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { modelsDir } from '../paths.js';

export type ExecutionProvider = 'cuda' | 'dml' | 'coreml' | 'cpu';

export interface SessionOptions {
  /** Folder holding the .onnx files (default: resources/models, or FACELENS_MODELS). */
  dir?: string;
  /** Intra-op threads per session (default 1; see [Note: ORT threads]). */
  threads?: number;
  /** Providers to try in order; the first that loads wins, CPU always last (default: the platform's GPU ones). */
  providers?: ExecutionProvider[];
}

/** True when onnxruntime-node's CUDA provider libraries were installed beside its binding (they are optional). */
function cudaInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(pkg, 'bin', 'napi-v6', process.platform, process.arch, lib));
  } catch {
    return false;
  }
}

/** GPU providers worth trying on this machine, then CPU. A provider that fails to load falls back to the next. */
export function defaultProviders(platform = process.platform): ExecutionProvider[] {
  const cuda: ExecutionProvider[] = platform !== 'darwin' && cudaInstalled() ? ['cuda'] : [];
  if (platform === 'win32') return [...cuda, 'dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return [...cuda, 'cpu'];
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  file: string;
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

/** Opens a model, trying each provider in turn and falling back to CPU. */
export async function openSession(file: string, opts: SessionOptions = {}): Promise<LoadedSession> {
  const path = modelPath(file, opts.dir);
  const providers = opts.providers ?? defaultProviders();
  const threads = opts.threads ?? 1;
  let lastErr: unknown;
  for (const provider of providers.includes('cpu') ? providers : [...providers, 'cpu' as const]) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      return { session, provider, file };
    } catch (err) {
      lastErr = err; // provider not built into this onnxruntime-node, or no device: try the next one
    }
  }
  throw new Error(`cannot load model ${file}: ${(lastErr as Error)?.message ?? lastErr}`);
}

/** sha256 of a file (hex), to check model files against resources/models/manifest.json. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export { ort };
