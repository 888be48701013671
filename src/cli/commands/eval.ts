/**
 * `cgym eval`: plays a saved run's learned honest policy (greedy) against an adversary — a fixed
 * one, another run's learned adversary, or by default the run's own opponent — and reports the
 * same rates as `play`.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { formatResult } from './play.js';
import { flag, integer, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { isRunName, readRunConfig } from '../learned.js';
import { integerIn } from '../options.js';

/** Every option of `cgym eval`, with its default. */
export const EvalConfigSchema = z.strictObject({
  version: version(),
  /** The run folder whose learned honest policy plays (greedy). */
  run: text('a run folder'),
  /** An adversary name or a run folder with a learned adversary (null: the run's own). */
  adversary: text('an adversary name or a run folder').nullable().default(null),
  episodes: integer(1, 1e9).default(10_000),
  /** Seed of the evaluation episodes (apart from the training seeds). */
  seed: integer(0, 2 ** 32 - 1).default(12345),
  json: flag(),
});
export type EvalConfig = z.output<typeof EvalConfigSchema>;

export function evalCommand(): Command {
  const command = new Command('eval')
    .description('evaluate a run\'s learned honest policy (greedy) against an adversary')
    .option('--run <dir>', 'the run folder (required)')
    .option('--adversary <adversary|run>', 'an adversary name or a run folder with a learned adversary (default: the run\'s own)')
    .option('--episodes <n>', withDefault('episodes to play', EvalConfigSchema, 'episodes'), integerIn(1, 1e9))
    .option('--seed <k>', withDefault('seed of the evaluation episodes', EvalConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--json', 'print one JSON object');
  return addConfigOption(command).action((flags: object, self: Command) => runEval(commandConfig('eval', EvalConfigSchema, self, givenFlags(flags))));
}

async function runEval(config: EvalConfig): Promise<void> {
  readRunConfig(config.run); // a missing or broken run folder is named before TensorFlow.js loads
  if (config.adversary !== null) isRunName(config.adversary, 'adversary');
  const { evaluateRun } = await import('../../train/evaluateRun.js'); // TensorFlow.js loads only when needed
  const result = await evaluateRun({ run: config.run, episodes: config.episodes, seed: config.seed, ...(config.adversary !== null && { adversary: config.adversary }) });
  process.stdout.write(config.json ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
}
