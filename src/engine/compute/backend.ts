// Engine (compute): choosing the TensorFlow.js backend at run time (tfjs-node-gpu, then tfjs-node, then wasm) in any Node thread.
import * as tf from '@tensorflow/tfjs-core';
/**
 * [Note: where the gradients come from] tfjs-core's Node bundle registers kernels' forward ops only; its gradient
 * functions live in dist/register_all_gradients.js, an ES module with extension-less imports that Node cannot
 * load. The @tensorflow/tfjs union bundle (a dependency of tfjs-node anyway) inlines them against the same
 * tfjs-core instance, so importing it registers every gradient once (tf.grads, variableGrads, optimizers).
 */
import '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * [Note: backend choice] Training and batched re-embedding run on the fastest backend this machine has:
 * tfjs-node-gpu (CUDA) first, then tfjs-node (libtensorflow, all cores), then the WebAssembly backend.
 * Both native packages are optional dependencies: where their libtensorflow download failed they are
 * simply absent and we fall through. The wasm backend works in plain Node: its .wasm binaries are read from
 * the package's dist/ folder (resolved through require.resolve, so it also works from dist/ and packaged
 * apps), SIMD is available in Node 20, but the threaded build needs Web Workers that Node does not give it,
 * so wasm runs on one thread per Node thread (we parallelise with worker_threads instead). The pure-JS 'cpu'
 * backend is ~40x slower and is never chosen unless asked for by name (it is the reference in gradient tests).
 */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** What was tried and why it was skipped, for `--json` reports and the UI. */
  tried: { name: BackendName; ok: boolean; reason?: string }[];
  simd?: boolean;
  threads?: boolean;
}

const require = createRequire(import.meta.url);
let chosen: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/** Where the tfjs wasm binaries live (a folder ending in '/'). */
export function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/';
}

async function tryNative(pkg: string): Promise<string | undefined> {
  try {
    await import(pkg);
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDir());
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialise';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/**
 * Initialises and returns the backend for this thread. `prefer` forces one backend by name (throws when
 * it is unavailable); FACELENS_TF_BACKEND does the same from the environment.
 */
export async function initBackend(
  prefer: BackendName | undefined = process.env.FACELENS_TF_BACKEND as BackendName | undefined,
): Promise<BackendInfo> {
  if (chosen && (!prefer || chosen.name === prefer)) return chosen;
  if (pending && !prefer) return pending;
  const run = async (): Promise<BackendInfo> => {
    const tried: BackendInfo['tried'] = [];
    const order: BackendName[] = prefer ? [prefer] : ['tensorflow-gpu', 'tensorflow', 'wasm'];
    for (const name of order) {
      let reason: string | undefined;
      if (name === 'tensorflow-gpu' || name === 'tensorflow') {
        reason = await tryNative(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
        if (!reason && !(await tf.setBackend('tensorflow'))) reason = 'libtensorflow failed to initialise';
        if (!reason && name === 'tensorflow-gpu' && !(await hasGpu())) reason = 'no CUDA device';
      } else if (name === 'wasm') {
        reason = await tryWasm();
      } else {
        await import('@tensorflow/tfjs-backend-cpu');
        reason = (await tf.setBackend('cpu')) ? undefined : 'the cpu backend failed to initialise';
      }
      tried.push({ name, ok: !reason, ...(reason ? { reason } : {}) });
      if (!reason) {
        await tf.ready();
        const info: BackendInfo = { name, tried };
        if (name === 'wasm') {
          info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
          info.threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
        }
        chosen = info;
        return info;
      }
    }
    throw new Error(`no TensorFlow.js backend available: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
  };
  const p = run();
  if (!prefer) pending = p;
  try {
    return await p;
  } finally {
    if (!prefer) pending = undefined;
  }
}

/** tfjs-node-gpu registers as 'tensorflow' too; a device is present when the binding reports CUDA. */
async function hasGpu(): Promise<boolean> {
  try {
    const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    return backend.isUsingGpuDevice === true;
  } catch {
    return false;
  }
}

/** The backend chosen so far in this thread, if any. */
export function currentBackend(): BackendInfo | undefined {
  return chosen;
}
