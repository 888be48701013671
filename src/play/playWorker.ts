/** A worker thread of `playOnAllCores`: plays one contiguous range of episodes and posts its tally. */
import { parentPort, workerData } from 'node:worker_threads';
import type { PlayJob, PlayWorkerMessage } from './parallel.js';
import { playRange, resolveSides } from './play.js';

const job = workerData as PlayJob;
const post = (message: PlayWorkerMessage) => parentPort!.postMessage(message);
try {
  const { honest, adversary } = resolveSides(job.scenario, job.honest, job.adversary);
  const tally = playRange(job.scenario, honest, adversary, job.seed, job.first, job.count, job.batchSize, (done) => post({ kind: 'progress', done }));
  post({ kind: 'tally', tally });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ kind: 'error', name: e.name, message: e.message });
}
