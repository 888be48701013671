/**
 * `cgym worker --queue redis://HOST:PORT`: takes `cgym sweep --queue` jobs from a BullMQ queue and
 * runs each in a sandboxed processor (sweep/processor.ts), `--jobs` at once, until stopped
 * (SIGINT / SIGTERM: its running jobs stop with it and are retried by another worker, resuming from
 * their checkpoints). Runs in the folder the sweep's relative paths (scenario files) are relative
 * to, with the sweep folder at the same path as on the sweep's machine (shared storage).
 */
import { availableParallelism, constants } from 'node:os';
import { Command } from 'commander';
import { integerIn } from '../options.js';

interface WorkerFlags {
  queue?: string;
  jobs?: number;
  lockSeconds?: number;
}

const DEFAULT_LOCK_SECONDS = 30;

export function workerCommand(): Command {
  return new Command('worker')
    .description('take `cgym sweep --queue` jobs from a Redis queue and run them here, each in a sandboxed process')
    .option('--queue <redis://host:port>', 'the Redis of the queue (required)')
    .option('--jobs <k>', 'jobs at once (default: every core)', integerIn(1, 256))
    .option('--lock-seconds <s>', `seconds without a sign of life after which another worker retries a job of this one (default: ${DEFAULT_LOCK_SECONDS})`, integerIn(1, 3600))
    .action((flags: WorkerFlags) => runWorker(flags));
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  if (flags.queue === undefined) throw new RangeError("worker: required option '--queue <redis://host:port>' not specified");
  const { redisConnection, startWorker } = await import('../../sweep/queue.js');
  redisConnection(flags.queue, 'worker'); // a malformed URL is refused before connecting
  const concurrency = flags.jobs ?? availableParallelism();
  const worker = startWorker(flags.queue, { concurrency, lockSeconds: flags.lockSeconds ?? DEFAULT_LOCK_SECONDS, log: (line) => process.stderr.write(`${line}\n`) });
  await worker.waitUntilReady();
  process.stderr.write(`worker: taking jobs from ${flags.queue}, ${concurrency} at a time (pid ${process.pid})\n`);
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`worker: stopped by ${signal}; its running jobs will be retried by another worker\n`);
      // The sandboxed processors see their channel close and stop their jobs' children (processor.ts).
      process.exit(128 + constants.signals[signal]);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
    worker.on('closed', () => done());
  });
}
