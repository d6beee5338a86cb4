// Engine (library, worker thread): one analysis worker of the import: its own face pipeline, photos in, faces and thumbnails out.
import { parentPort, workerData } from 'node:worker_threads';
import { FacePipeline } from '../vision/pipeline.js';
import type { ExecutionProvider, ProviderFallback, ProviderSetting } from '../vision/ort.js';
import { analyzePhoto, transferables, type AnalyzeJob, type AnalyzeResult } from './analyze.js';

export interface AnalyzeWorkerData {
  setting: ProviderSetting;
  /** Intra-op threads of each ORT session (see [Note: ORT threads]). */
  threads: number;
  dir?: string;
}

export type ToWorker = { type: 'job'; id: number; job: AnalyzeJob } | { type: 'close' };
export type FromWorker =
  | { type: 'ready'; provider: ExecutionProvider; fallbacks: ProviderFallback[] }
  | { type: 'init-failed'; error: string }
  | { type: 'result'; id: number; result: AnalyzeResult };

const data = workerData as AnalyzeWorkerData;
const port = parentPort!;

try {
  const pipeline = await FacePipeline.load({
    setting: data.setting,
    threads: data.threads,
    ...(data.dir ? { dir: data.dir } : {}),
  });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      void pipeline.dispose().finally(() => port.close());
      return;
    }
    // Jobs overlap: the next photo decodes (sharp, libuv threads) while this one is in inference; the pipeline
    // itself takes one call at a time.
    void analyzePhoto(pipeline, m.job).then((result) => {
      const msg: FromWorker = { type: 'result', id: m.id, result };
      port.postMessage(msg, transferables(result));
    });
  });
  const ready: FromWorker = { type: 'ready', provider: pipeline.provider, fallbacks: pipeline.fallbacks };
  port.postMessage(ready);
} catch (err) {
  const msg: FromWorker = { type: 'init-failed', error: (err as Error).message ?? String(err) };
  port.postMessage(msg);
}
