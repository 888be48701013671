/**
 * `verify` on every core. The chance outcomes (faulty set × inputs × GST) are independent
 * searches: worker threads take them one at a time from a queue, and their answers are folded in
 * chance-outcome order by the same `ExhaustiveFold` / `ExpectimaxFold` the single-threaded path
 * uses — so the verdict, the rates (floating-point sums in the same order), the states and the
 * counterexample are identical, bit for bit, whatever the number of workers and whoever finished first.
 *
 * The protocol crosses to a worker by its name (registry, mutant or threshold-automaton file) and is
 * rebuilt there; a protocol object (a learned policy) is verified on this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { usesSamples } from '../game/actions.js';
import type { EpisodeSetup } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { getProtocol } from '../protocols/registry.js';
import { RefusedError } from '../protocols/types.js';
import type { OutcomeSolution } from './_internals/solveOutcome.js';
import { RandomisedProtocolError, StateLimitError, type SearchOptions } from './_internals/search.js';
import { ExhaustiveFold, ExpectimaxFold, refuseProjectedStates, verify, verifyPlan, type ChanceOutcome, type ChanceOutcomes, type VerifyOptions, type VerifyResult } from './verify.js';

export interface ParallelVerifyOptions extends VerifyOptions {
  /** Worker threads (default: every core). 1, or a protocol object, verifies on this thread. */
  workers?: number;
}

/** What every worker is told once (structured-cloned: names, not objects). */
export interface VerifyJob {
  scenario: Scenario;
  honest: string;
  method: 'exhaustive' | 'expectimax';
  /** Each worker's own budget; the fold checks the sum against the same number. */
  maxStates: number;
  /** The search's switches as the plan resolved them (memo; checked agent roles and visible origins, if used). */
  search: SearchOptions;
}
export interface VerifyTask {
  index: number;
  setup: EpisodeSetup;
}
export type VerifyWorkerMessage = { kind: 'solved'; index: number; solution: OutcomeSolution } | { kind: 'error'; name: string; message: string };

// As in play/parallel.ts: under vitest or tsx the worker is TypeScript and registers tsx's loader first.
const sourceIsTypeScript = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./verifyWorker.${sourceIsTypeScript ? 'ts' : 'js'}`, import.meta.url);
const typeScriptBootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`;

export async function verifyOnAllCores(options: ParallelVerifyOptions): Promise<VerifyResult> {
  const workers = options.workers ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`verify: --workers must be a positive integer (got ${options.workers})`);
  if (workers === 1 || typeof options.honest !== 'string') return verify(options);
  const { scenario } = options;
  const protocol = getProtocol(options.honest);
  // The same checks, in the same order, as `verify`: refused in one line before any thread starts.
  const plan = verifyPlan(options, protocol);
  const job = { scenario, honest: options.honest, maxStates: plan.maxStates, search: plan.search };
  if (!usesSamples(scenario) && options.method !== 'expectimax') {
    try {
      refuseProjectedStates(scenario, protocol, plan.outcomes, plan.maxStates, plan.search);
      const fold = new ExhaustiveFold(scenario, protocol, plan.outcomes, plan.maxStates, plan.search);
      return await solveAll({ ...job, method: 'exhaustive' }, plan.outcomes, Math.min(workers, plan.outcomes.total), fold, options.onProgress);
    } catch (error) {
      if (!(error instanceof RandomisedProtocolError)) throw error;
    }
  }
  const fold = new ExpectimaxFold(scenario, protocol, plan.allOutcomes, plan.maxStates, plan.search);
  try {
    return await solveAll({ ...job, method: 'expectimax' }, plan.allOutcomes, Math.min(workers, plan.allOutcomes.total), fold, options.onProgress);
  } catch (error) {
    throw fold.translate(error);
  }
}

interface Fold {
  done: number;
  states: number;
  add(outcome: ChanceOutcome, solution: never): void;
  finish(): VerifyResult;
}

/** Hands out outcomes one at a time to idle workers; folds answers in outcome order as they become contiguous. */
function solveAll(job: VerifyJob, outcomes: ChanceOutcomes, workers: number, fold: Fold, onProgress: VerifyOptions['onProgress']): Promise<VerifyResult> {
  return new Promise((resolve, reject) => {
    const source = outcomes.each()[Symbol.iterator]();
    const sent = new Map<number, ChanceOutcome>();
    const answered = new Map<number, OutcomeSolution>();
    let nextIndex = 0;
    let nextToFold = 0;
    let finished = false;
    const threads: Worker[] = [];
    const stop = (error?: unknown, result?: VerifyResult) => {
      if (finished) return;
      finished = true;
      for (const thread of threads) void thread.terminate();
      if (error !== undefined) reject(error);
      else resolve(result!);
    };
    const feed = (thread: Worker) => {
      const next = source.next();
      if (next.done) return;
      sent.set(nextIndex, next.value);
      thread.postMessage({ index: nextIndex++, setup: next.value.setup } satisfies VerifyTask);
    };
    for (let w = 0; w < workers; w++) {
      const thread = sourceIsTypeScript ? new Worker(typeScriptBootstrap, { eval: true, workerData: job }) : new Worker(workerUrl, { workerData: job });
      threads.push(thread);
      thread.on('message', (message: VerifyWorkerMessage) => {
        if (finished) return;
        if (message.kind === 'error') return stop(rebuildError(message.name, message.message));
        answered.set(message.index, message.solution);
        feed(thread);
        try {
          while (answered.has(nextToFold)) {
            fold.add(sent.get(nextToFold)!, answered.get(nextToFold)! as never);
            sent.delete(nextToFold);
            answered.delete(nextToFold++);
            onProgress?.(fold.done, outcomes.total, fold.states);
          }
          if (nextToFold === outcomes.total) stop(undefined, fold.finish());
        } catch (error) {
          stop(error);
        }
      });
      thread.on('error', (error) => stop(error));
      thread.on('exit', (code) => {
        if (code !== 0 && !finished) stop(new Error(`verify worker exited with code ${code}`));
      });
      feed(thread);
    }
  });
}

/** Errors cross threads as data; rebuild the kinds `verify` and the command line tell apart. */
function rebuildError(name: string, message: string): Error {
  if (name === 'StateLimitError') return new StateLimitError(message);
  if (name === 'RandomisedProtocolError') return new RandomisedProtocolError(message);
  if (name === 'RefusedError') return new RefusedError(message);
  if (name === 'RangeError') return new RangeError(message);
  return Object.assign(new Error(message), { name });
}
