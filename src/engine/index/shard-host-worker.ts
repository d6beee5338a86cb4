// Engine (index, worker thread): hosts one HNSW shard and answers its commands synchronously (see [Note: shard workers]).
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DONE, REQUEST, RUNNING, ShardCore, type ShardCommand, type ShardWorkerData } from './shard-host.js';

const { flag, requests, replies } = workerData as ShardWorkerData;
const core = new ShardCore();

for (;;) {
  // Sleep until a command is flagged (the flag holds IDLE or DONE in between).
  for (let s = Atomics.load(flag, 0); s !== REQUEST; s = Atomics.load(flag, 0)) Atomics.wait(flag, 0, s);
  Atomics.store(flag, 0, RUNNING);
  const c = receiveMessageOnPort(requests)?.message as ShardCommand | undefined;
  let reply: { value?: unknown; error?: string };
  try {
    if (!c) throw new Error('a shard command was flagged but not sent');
    reply = { value: core.run(c) };
  } catch (err) {
    reply = { error: String((err as Error)?.message ?? err) };
  }
  replies.postMessage(reply);
  Atomics.store(flag, 0, DONE);
  Atomics.notify(flag, 0);
  if (c?.op === 'close') break;
}
requests.close();
replies.close();
