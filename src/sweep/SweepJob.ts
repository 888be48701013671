/**
 * One job of a sweep: a `cgym` command run as a child process into its own run folder, the same
 * wherever it runs (this machine's pool, or a queue worker on another machine).
 *
 * A job is idempotent by its run folder: `result.json` there (the command's `--json` output,
 * written atomically once the command exited 0) marks it finished, and a finished job is never run
 * again; a run folder with a `config.json` and no result is a run that was stopped (its process
 * killed, its machine gone) and is resumed from its checkpoint (`resumeArgs`: `--resume`) rather
 * than started over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFolders } from '../game/makeFolders.js';
import { isEpochMessage, type EpochMessage } from '../cli/progress.js';
import { ReportError } from '../report/ReportError.js';
import { writeJson } from '../train/runFolder.js';

/** The commands a sweep runs. `hunt` joins them when it exists: a kind is a `cgym` command with `--json` output. */
export const JOB_KINDS = ['train', 'verify', 'attack'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A job as data: plain JSON, so that it travels through a queue unchanged. */
export interface SweepJob {
  /** Unique in its sweep, a file name: `honest-consensus__seed0`. */
  name: string;
  /** How messages name it: `honest-consensus seed 0`. */
  label: string;
  kind: JobKind;
  /** The summary table's row: the job's name without its seed. */
  cell: string;
  seed: number | null;
  /** The run folder (absolute, or relative to the working folder of whoever runs the job). */
  run: string;
  /** The `cgym` arguments of a fresh start (after the program: `train --config … --out … --json`). */
  args: readonly string[];
  /** The arguments that continue a stopped run from its checkpoint, or null: such a job starts over. */
  resumeArgs: readonly string[] | null;
  /**
   * Whether the result is kept in `<run>/result.json` (the finished marker). `cgym paper`, which
   * regenerates its runs every time, keeps none, so its run folders hold what they always held.
   */
  keepResult: boolean;
}

/** What a finished job printed with `--json`: the command's summary object. */
export type JobResult = Record<string, unknown>;

export const RESULT_FILE = 'result.json';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** The finished job's result, or undefined: not finished (or a job that keeps no result). */
export function finishedResult(job: SweepJob): JobResult | undefined {
  if (!job.keepResult) return undefined;
  const file = join(job.run, RESULT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JobResult;
  } catch {
    return undefined; // written atomically, so never torn; anything else there is not ours: run again
  }
}

/** Whether the job's run folder holds a stopped run to continue (it has begun: config.json is there). */
export function isStopped(job: SweepJob): boolean {
  return job.resumeArgs !== null && existsSync(join(job.run, 'config.json'));
}

/** The arguments to run the job with now: a stopped run is resumed, anything else starts afresh. */
export function argsNow(job: SweepJob): readonly string[] {
  return isStopped(job) ? job.resumeArgs! : job.args;
}

/**
 * Runs the job as a child `cgym` process (unless finished already), passes on its epochs, and
 * resolves to its `--json` output, kept in `<run>/result.json` when the job keeps results.
 * `children` holds the child while it runs, for whoever must stop it.
 */
export function runJob(job: SweepJob, source: string, onEpoch: (message: EpochMessage) => void, children?: Set<ChildProcess>): Promise<JobResult> {
  const done = finishedResult(job);
  if (done !== undefined) return Promise.resolve(done);
  const args = [MAIN, ...argsNow(job)];
  return new Promise((resolve, reject) => {
    // The IPC channel tells the child it has a parent to die with (main.ts), and carries its epochs (progress.ts).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children?.add(child);
    child.on('message', (message) => {
      if (isEpochMessage(message)) onEpoch(message);
    });
    let stdout = '';
    let stderr = '';
    // Both pipes exist: stdio asks for them ('pipe').
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children?.delete(child);
      if (code !== 0) return reject(new ReportError(`${source}: ${job.label} failed: ${stderr.trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit ${code}`)}`));
      let result: JobResult;
      try {
        result = JSON.parse(stdout) as JobResult;
      } catch {
        return reject(new ReportError(`${source}: ${job.label}: the command printed no JSON summary`));
      }
      try {
        if (job.keepResult) {
          makeFolders(job.run); // a verify job's folder holds its result alone: nothing made it before
          writeJson(join(job.run, RESULT_FILE), result);
        }
      } catch (error) {
        return reject(error);
      }
      resolve(result);
    });
  });
}
