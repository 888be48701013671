/**
 * `cgym eval`: plays a saved run's learned honest policy (greedy) against an adversary — a fixed
 * one, another run's learned adversary, or by default the run's own opponent — in the scenario
 * the run was trained on (with `--set` overrides, if given), and reports the same rates as `play`.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { play } from '../../play/play.js';
import { flag, integer, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { scenarioLabel } from '../format.js';
import { commandScenario, isRunName, learnedOr, learnedSide, readRunConfig, type GivenRun } from '../learned.js';
import { collect, integerIn } from '../options.js';
import { formatResult } from './play.js';

/** Every option of `cgym eval`, with its default. */
export const EvalConfigSchema = z.strictObject({
  version: version(),
  /** The run folder whose learned honest policy plays (greedy). */
  run: text('a run folder'),
  /** null: the run's own; given, it must be the same game. */
  scenario: scenarioSource().nullable().default(null),
  set: overrides(),
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
    .description('evaluate a run\'s learned honest policy (greedy) against an adversary, in the scenario it was trained on')
    .option('--run <dir>', 'the run folder (required)')
    .option('--scenario <name|file>', "a preset name or a JSON scenario file; must be the run's game (default: the run's)")
    .option('--set <key=value>', 'override a key of the run\'s scenario (repeatable; dotted keys for nested ones)', collect)
    .option('--adversary <adversary|run>', "an adversary name or a run folder with a learned adversary (default: the run's own)")
    .option('--episodes <n>', withDefault('episodes to play', EvalConfigSchema, 'episodes'), integerIn(1, 1e9))
    .option('--seed <k>', withDefault('seed of the evaluation episodes', EvalConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--json', 'print one JSON object');
  return addConfigOption(command).action((flags: object, self: Command) => runEval(commandConfig('eval', EvalConfigSchema, self, givenFlags(flags))));
}

async function runEval(config: EvalConfig): Promise<void> {
  const recorded = readRunConfig(config.run); // a missing or broken run folder is named before TensorFlow.js loads
  // The run's own opponent: its learned adversary (schedule alternating or league), else the fixed one it trained against.
  const trainedAgainst = recorded['adversary'];
  if (config.adversary === null && typeof trainedAgainst !== 'string') throw new RangeError(`eval: run ${config.run}: config.json names no adversary; give --adversary`);
  const adversaryName = config.adversary ?? (trainedAgainst === 'learned' ? config.run : (trainedAgainst as string));
  const runs: GivenRun[] = [{ flag: '--run', dir: config.run }];
  if (config.adversary !== null && isRunName(config.adversary, 'adversary')) runs.push({ flag: '--adversary', dir: config.adversary });
  const scenario = commandScenario('eval', config, runs);
  const honest = await learnedSide(config.run, 'honest', scenario);
  const adversary = await learnedOr(adversaryName, 'adversary', scenario);
  const result = { run: config.run, ...play({ scenario, honest, adversary, episodes: config.episodes, seed: config.seed }) };
  process.stdout.write(config.json ? JSON.stringify({ ...result, set: config.set }, null, 2) + '\n' : formatResult(result, scenarioLabel(scenario, config.set)));
}
