/** A worker thread of `verifyOnAllCores`: solves the chance outcomes it is sent, one at a time, and posts each answer. */
import { parentPort, workerData } from 'node:worker_threads';
import { getProtocol } from '../protocols/registry.js';
import { ExhaustiveSolver, ExpectimaxSolver, type OutcomeSolver } from './_internals/solveOutcome.js';
import type { VerifyJob, VerifyTask, VerifyWorkerMessage } from './verifyOnAllCores.js';

const job = workerData as VerifyJob;
const post = (message: VerifyWorkerMessage) => parentPort!.postMessage(message);
let solver: OutcomeSolver | undefined;
parentPort!.on('message', (task: VerifyTask) => {
  try {
    if (!solver) {
      const protocol = getProtocol(job.honest, job.scenario);
      const Solver = job.method === 'exhaustive' ? ExhaustiveSolver : ExpectimaxSolver;
      solver = new Solver(job.scenario, protocol, job.maxStates, job.search);
    }
    post({ kind: 'solved', index: task.index, solution: solver.solve(task.setup) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ kind: 'error', name: e.name, message: e.message });
  }
});
