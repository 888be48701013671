/**
 * Runs jobs on this machine: `workers` child processes at once, in the order given, each job a
 * `cgym` command (SweepJob.ts). `cgym paper` and `cgym sweep` both run their grids here.
 *
 * The child runs die with the parent: a SIGINT, SIGTERM or SIGHUP is passed on to them (the
 * parent exits 128 + the signal's number, saying so in one line), and a child whose parent was
 * killed outright notices on its own (main.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { EpochMessage } from '../cli/progress.js';
import { runJob, type JobResult, type SweepJob } from './SweepJob.js';

/** What the runner reports as jobs go (a terminal panel, lines, or nothing). */
export interface JobObserver<J extends SweepJob> {
  start(job: J): void;
  epoch(job: J, message: EpochMessage): void;
  finish(job: J, result: JobResult): void;
  /** A job failed (the others go on unless the runner fails fast). */
  fail(job: J, error: Error): void;
  /** Erases whatever is redrawn in place (before a final message). */
  stop(): void;
}

export interface PoolOptions {
  /** Jobs at once. */
  workers: number;
  /** The command, for messages: `paper`, `sweep`. */
  source: string;
  /** One failed job stops the others and rejects (a table that needs every run), or they all go on. */
  failFast: boolean;
}

export interface PoolOutcome<J extends SweepJob> {
  results: Map<J, JobResult>;
  failures: Array<{ job: J; error: Error }>;
}

export async function runPool<J extends SweepJob>(order: readonly J[], options: PoolOptions, observer: JobObserver<J>): Promise<PoolOutcome<J>> {
  const results = new Map<J, JobResult>();
  const failures: Array<{ job: J; error: Error }> = [];
  const children = new Set<ChildProcess>();
  const stopChildren = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopChildren();
    observer.stop();
    process.stderr.write(`cgym: ${options.source}: stopped by ${signal}, and its ${children.size} running runs with it\n`);
    process.exit(128 + constants.signals[signal]);
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  let stopped = false;
  let next = 0;
  const worker = async () => {
    while (next < order.length && !stopped) {
      const job = order[next++]!;
      observer.start(job);
      try {
        const result = await runJob(job, options.source, (message) => observer.epoch(job, message), children);
        results.set(job, result);
        observer.finish(job, result);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (options.failFast) {
          // One failed run fails the table: the others stop now rather than finish for nothing.
          stopped = true;
          stopChildren();
          throw failure;
        }
        failures.push({ job, error: failure });
        observer.fail(job, failure);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.workers, order.length)) }, worker));
  } finally {
    observer.stop();
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  return { results, failures };
}
