/**
 * A sweep over many machines: the sweep puts its jobs on a BullMQ queue in Redis and waits for
 * them; `cgym worker` processes on any machine take them, each job in a sandboxed processor (a
 * separate process, processor.ts) so that the worker's own event loop stays free to renew the
 * job's lock while the job computes.
 *
 * Results land in the shared runs folder, not in Redis: a job's run folder (its checkpoints) must
 * be where any worker can read it anyway, since a job whose worker died is retried by another
 * worker and resumes from the dead one's last checkpoint. The queue carries only the job (plain
 * JSON: SweepJob) and, back, its small `--json` summary (the same object as `<run>/result.json`).
 *
 * Idempotence: a job's id is derived from its run folder, so a sweep run twice adds each job
 * once; a worker that takes a job whose run folder is finished returns the recorded result without
 * running anything (SweepJob.ts).
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { EpochMessage } from '../cli/progress.js';
import { isEpochMessage } from '../cli/progress.js';
import type { JobObserver, PoolOutcome } from './runPool.js';
import type { JobResult, SweepJob } from './SweepJob.js';

/** The queue every sweep and worker uses (one Redis can serve several sweeps: job ids differ by run folder). */
export const QUEUE_NAME = 'cgym-sweep';

/** How often a failed attempt (a crash, a refused lock) is tried again, by any worker. */
const ATTEMPTS = 5;

/** `redis://HOST:PORT[/DB]` → BullMQ's connection options; anything else refused in one line. */
export function redisConnection(url: string, source: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`${source}: --queue ${url}: must be a URL redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' || parsed.hostname === '') throw new RangeError(`${source}: --queue ${url}: must be a URL redis://HOST:PORT`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new RangeError(`${source}: --queue ${url}: the database after the port must be a number (got ${db})`);
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(db !== '' && { db: Number(db) }),
    ...(parsed.password !== '' && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.username !== '' && { username: decodeURIComponent(parsed.username) }),
    // A worker blocks on Redis for new jobs: BullMQ requires commands to wait for the connection rather than fail.
    maxRetriesPerRequest: null,
  };
}

/** A job's id on the queue: the same run folder gives the same id (BullMQ adds an existing id once). */
export function queueJobId(job: SweepJob): string {
  return `${createHash('sha256').update(job.run).digest('hex').slice(0, 16)}-${job.name}`;
}

/** What a job's progress event carries: the child run's last epoch. */
type ProgressData = EpochMessage;

/**
 * Puts the jobs on the queue and waits until each has finished (or failed for good, after its
 * attempts), reporting to `observer` as workers take them, train them and finish them.
 */
export async function runOnQueue<J extends SweepJob>(jobs: readonly J[], url: string, observer: JobObserver<J>): Promise<PoolOutcome<J>> {
  const connection = redisConnection(url, 'sweep');
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const byId = new Map(jobs.map((job) => [queueJobId(job), job]));
  const results = new Map<J, JobResult>();
  const failures: Array<{ job: J; error: Error }> = [];
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    events.on('active', ({ jobId }) => {
      const job = byId.get(jobId);
      if (job) observer.start(job);
    });
    events.on('progress', ({ jobId, data }) => {
      const job = byId.get(jobId);
      if (job && isEpochMessage(data)) observer.epoch(job, data as ProgressData);
    });
    // A job left on the queue by an earlier sweep whose result this sweep does not have (its
    // folder removed since, or it failed for good) is taken off, to be added afresh.
    for (const [id] of byId) {
      const existing = await queue.getJob(id);
      if (existing && ['completed', 'failed'].includes(await existing.getState())) await existing.remove();
    }
    const added = await queue.addBulk(
      jobs.map((job) => ({
        name: job.kind,
        data: { ...job } as SweepJob,
        opts: { jobId: queueJobId(job), attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
      })),
    );
    await Promise.all(
      added.map(async (queued) => {
        const job = byId.get(queued.id!)!;
        try {
          const result = (await queued.waitUntilFinished(events)) as JobResult;
          results.set(job, result);
          observer.finish(job, result);
        } catch (error) {
          const failure = new Error(`sweep: ${job.label} failed on the queue: ${error instanceof Error ? error.message : String(error)}`);
          failures.push({ job, error: failure });
          observer.fail(job, failure);
        }
      }),
    );
  } finally {
    observer.stop();
    await Promise.allSettled([events.close(), queue.close()]);
  }
  return { results, failures };
}

export interface WorkerOptions {
  /** Jobs at once. */
  concurrency: number;
  /** Seconds a job's lock lasts without renewal: a job whose worker is gone that long is retried elsewhere. */
  lockSeconds: number;
  /** Where a line per taken, finished or failed job goes. */
  log: (line: string) => void;
}

/** A worker taking the queue's jobs until closed; each job in a sandboxed processor (processor.ts). */
export function startWorker(url: string, options: WorkerOptions): Worker {
  const processor = fileURLToPath(new URL('./processor.js', import.meta.url));
  const lockDuration = options.lockSeconds * 1000;
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisConnection(url, 'worker'),
    concurrency: options.concurrency,
    lockDuration,
    // A dead worker's job is noticed within a lock's duration and a half.
    stalledInterval: Math.max(500, lockDuration / 2),
    // A job stalls each time the worker running it dies; only a job that kills every worker it lands on should fail.
    maxStalledCount: 10,
    useWorkerThreads: false,
  });
  const name = (job: Job | undefined) => (job ? ((job.data as Partial<SweepJob>).label ?? job.id) : 'a job');
  worker.on('active', (job) => options.log(`worker: ${name(job)}: started${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`));
  worker.on('completed', (job) => options.log(`worker: ${name(job)}: done`));
  worker.on('failed', (job, error) => options.log(`worker: ${name(job)}: failed: ${error.message}`));
  worker.on('error', (error) => options.log(`worker: ${error.message}`));
  return worker;
}
