/**
 * The sandboxed processor of `cgym worker` (BullMQ forks a process that imports this file): runs
 * one sweep job as a child `cgym` process (SweepJob.ts: skipped when its run folder is finished,
 * resumed from its checkpoint when a dead worker left it stopped) and sends its epochs back as the
 * job's progress. The CPU-bound run lives in that child; the worker process only renews locks.
 *
 * This process dies with its worker: BullMQ's own sandbox keeps running when the worker is killed
 * outright, so the IPC channel's disconnect stops the job's child (which resumes elsewhere) and
 * this process.
 */
import type { ChildProcess } from 'node:child_process';
import type { SandboxedJob } from 'bullmq';
import type { EpochMessage } from '../cli/progress.js';
import { runJob, type JobResult, type SweepJob } from './SweepJob.js';

const children = new Set<ChildProcess>();
const HANGUP = 129; // the exit code of a process ended by SIGHUP: its parent hung up

process.on('disconnect', () => {
  // Exit once the children have (or after a second): a child left a zombie would hold its run
  // folder's lock, and the worker retrying the job would find the folder in use.
  const exited = [...children].map((child) => new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(null) : child.once('exit', done))));
  for (const child of children) child.kill('SIGTERM');
  void Promise.race([Promise.all(exited), new Promise((done) => setTimeout(done, 1000))]).then(() => process.exit(HANGUP));
});

/** Progress is sent at most this often: each send is a Redis write and an event to the sweep. */
const PROGRESS_MS = 250;

export default async function processSweepJob(job: SandboxedJob<SweepJob, JobResult>): Promise<JobResult> {
  let lastSent = 0;
  const onEpoch = (message: EpochMessage) => {
    const now = performance.now();
    if (now - lastSent < PROGRESS_MS && message.metrics.epoch < message.epochs) return;
    lastSent = now;
    // Best effort: progress is for showing, the result is what counts.
    job.updateProgress(message as unknown as object).catch(() => undefined);
  };
  return runJob(job.data, 'worker', onEpoch, children);
}
