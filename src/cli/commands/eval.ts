/**
 * `cgym eval`: plays a saved run's learned honest policy (greedy) against an adversary — a fixed
 * one, another run's learned adversary, or by default the run's own opponent — and reports the
 * same rates as `play`.
 */
import { Command } from 'commander';
import { formatResult } from './play.js';
import { isRunName, readRunConfig } from '../learned.js';
import { integerIn } from '../options.js';

interface EvalFlags {
  run: string;
  adversary?: string;
  episodes: number;
  seed: number;
  json?: boolean;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate a run\'s learned honest policy (greedy) against an adversary')
    .requiredOption('--run <dir>', 'the run folder')
    .option('--adversary <adversary|run>', 'an adversary name or a run folder with a learned adversary (default: the run\'s own)')
    .option('--episodes <n>', 'episodes to play', integerIn(1, 1e9), 10_000)
    .option('--seed <k>', 'seed of the evaluation episodes', integerIn(0, 2 ** 32 - 1), 12345)
    .option('--json', 'print one JSON object')
    .action(async (flags: EvalFlags) => {
      readRunConfig(flags.run); // a missing or broken run folder is named before TensorFlow.js loads
      if (flags.adversary !== undefined) isRunName(flags.adversary, 'adversary');
      const { evaluateRun } = await import('../../train/evaluateRun.js'); // TensorFlow.js loads only when needed
      const result = await evaluateRun({ run: flags.run, episodes: flags.episodes, seed: flags.seed, ...(flags.adversary !== undefined && { adversary: flags.adversary }) });
      process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
    });
}
