/**
 * `play` on every core: the episodes are cut at batch boundaries into one contiguous range per
 * worker thread, each worker plays its range with the same engine, and the tallies are added in
 * episode order. Because episode e always draws from its own streams and rewards are summed per
 * batch, the result is identical — bit for bit — to a single-threaded `play` with the same batch
 * size, whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { IllegalActionError } from '../game/actions.js';
import { GameBatch } from '../game/GameBatch.js';
import { refuseOverMemoryLimit } from '../game/memoryLimit.js';
import type { Scenario } from '../game/scenario.js';
import { RefusedError } from '../protocols/types.js';
import { checkPlayOptions, play, resolveSides, summarise, type PlayOptions, type PlayResult, type PlayTally } from './play.js';

export interface ParallelPlayOptions extends PlayOptions {
  /** Worker threads (default: every core). 1 plays on this thread. */
  workers?: number;
}

/** What a worker is asked to do (structured-cloned: names, not protocol objects). */
export interface PlayJob {
  scenario: Scenario;
  honest: string;
  adversary: string;
  seed: number;
  first: number;
  count: number;
  batchSize: number;
}

/** Messages a worker posts: progress (episodes done in its range) and its final tally. */
export type PlayWorkerMessage = { kind: 'progress'; done: number } | { kind: 'tally'; tally: PlayTally } | { kind: 'error'; name: string; message: string };

// The worker is `playWorker.js` next to this file once compiled. Under vitest or tsx the sources
// are `.ts`, which a worker can only load after registering tsx's loader in that thread (Node 20
// does not apply `--import` from a worker's execArgv), hence the small bootstrap.
const sourceIsTypeScript = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./playWorker.${sourceIsTypeScript ? 'ts' : 'js'}`, import.meta.url);
const typeScriptBootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`;

/**
 * Plays on `workers` threads (default: all cores). Protocols and adversaries must be given by
 * registry name to cross to a worker; with objects, or with one worker, it is `play` on this thread.
 */
export async function playOnAllCores(options: ParallelPlayOptions): Promise<PlayResult> {
  const batchSize = checkPlayOptions(options);
  const batches = Math.ceil(options.episodes / batchSize);
  const workers = Math.min(options.workers ?? availableParallelism(), batches);
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`workers must be a positive integer (got ${options.workers})`);
  if (workers === 1 || typeof options.honest !== 'string' || typeof options.adversary !== 'string') return play(options);

  const { scenario, episodes } = options;
  const seed = options.seed ?? 0;
  const sides = resolveSides(scenario, options.honest, options.adversary); // refuse here, in one line, before any thread starts
  const started = performance.now();
  const progress = new Array<number>(workers).fill(0);
  const jobs: PlayJob[] = [];
  for (let w = 0, firstBatch = 0; w < workers; w++) {
    const batchesHere = Math.floor(batches / workers) + (w < batches % workers ? 1 : 0);
    const first = firstBatch * batchSize;
    const count = Math.min(batchesHere * batchSize, episodes - first);
    jobs.push({ scenario, honest: sides.honest.name, adversary: sides.adversary.name, seed, first, count, batchSize });
    firstBatch += batchesHere;
  }
  // Each worker checks its own batch; together they must fit too, before any thread starts.
  const bytes = jobs.reduce((sum, job) => sum + GameBatch.estimateBytes(scenario, Math.min(batchSize, job.count), sides.honest.memorySlots), 0);
  refuseOverMemoryLimit(`${workers} workers, each with a batch of ${batchSize} episodes,`, bytes, 'use a smaller --batch or fewer --workers');
  const tallies = await Promise.all(
    jobs.map((job, w) =>
      runJob(job, (done) => {
        progress[w] = done;
        options.onProgress?.(progress.reduce((a, b) => a + b, 0), episodes);
      }),
    ),
  );
  return summarise(scenario, sides.honest.name, sides.adversary.name, seed, tallies, (performance.now() - started) / 1000);
}

function runJob(job: PlayJob, onProgress: (done: number) => void): Promise<PlayTally> {
  return new Promise((resolve, reject) => {
    const worker = sourceIsTypeScript ? new Worker(typeScriptBootstrap, { eval: true, workerData: job }) : new Worker(workerUrl, { workerData: job });
    worker.on('message', (message: PlayWorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.done);
      else if (message.kind === 'tally') resolve(message.tally);
      else reject(rebuildError(message.name, message.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`play worker exited with code ${code}`));
    });
  });
}

/** Errors cross threads as data; rebuild the kinds the CLI reports as one line. */
function rebuildError(name: string, message: string): Error {
  if (name === 'IllegalActionError') return new IllegalActionError(message);
  if (name === 'RefusedError') return new RefusedError(message);
  if (name === 'RangeError') return new RangeError(message);
  return Object.assign(new Error(message), { name });
}
