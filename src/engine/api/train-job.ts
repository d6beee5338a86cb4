// Engine (api): a training run as a job the UI can follow and cancel (the Train page's runs and look-alike fine-tunes).
import type { TrainProgress } from '../../shared/contract.js';
import type { Progress } from '../arcface/trainer.js';
import type { Core } from './core.js';

/** A running training job's progress event, from the trainer's progress. */
export function trainRunning<B extends object>(base: B, p: Progress): B & TrainRunning {
  return {
    ...base,
    status: 'running',
    epoch: p.epoch,
    step: p.step,
    loss: p.loss,
    accuracy: p.accuracy,
    samplesPerSecond: p.samplesPerSec,
  };
}
type TrainRunning = {
  status: 'running';
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
};

/** What a training job's work gets: its progress base, an emitter, the cancel signal, and an idle progress. */
export interface TrainJob {
  base: { jobId: string; kind: 'train'; headId: null; message: null };
  emit: (p: TrainProgress) => void;
  signal: AbortSignal;
  idle: { epoch: number; step: number; loss: null; accuracy: null; samplesPerSecond: null };
}

/**
 * Starts a training job: registered so the UI can list and cancel it, its first 'running' event sent, `work` run
 * in the background with a thrown error turned into a 'failed' event. `work` sends the final event itself.
 */
export function startTrainJob(
  c: Core,
  label: string,
  firstMessage: string,
  work: (job: TrainJob) => Promise<void>,
): { jobId: string } {
  const { jobId } = c.jobs.start('train', 'running', label, async ({ jobId, signal }) => {
    const job: TrainJob = {
      base: { jobId, kind: 'train', headId: null, message: null },
      emit: (p) => c.emit('job.progress', p),
      signal,
      idle: { epoch: 0, step: 0, loss: null, accuracy: null, samplesPerSecond: null },
    };
    try {
      await work(job);
    } catch (err) {
      job.emit({ ...job.base, ...job.idle, status: 'failed', message: (err as Error).message });
    }
  });
  c.emit('job.progress', {
    jobId,
    kind: 'train',
    headId: null,
    epoch: 0,
    step: 0,
    loss: null,
    accuracy: null,
    samplesPerSecond: null,
    status: 'running',
    message: firstMessage,
  });
  return { jobId };
}
