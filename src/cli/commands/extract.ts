/**
 * `cgym extract`: a protocol — a trained run's honest policy (greedy), or any registry protocol — as a
 * readable decision table over the observations it reaches, with one rule per round.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { resolveSides } from '../../play/play.js';
import { extractDecisionTable, formatDecisionTable } from '../../verify/extract.js';
import { flag, integer, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { honestAndScenario, honestWithParams, learnedOr } from '../learned.js';
import { collect, integerIn } from '../options.js';

/** Every option of `cgym extract`, with its default. */
export const ExtractConfigSchema = z.strictObject({
  version: version(),
  /** A run folder: its learned honest policy, in its own scenario. */
  run: text('a run folder').nullable().default(null),
  /** A registry protocol or a run folder. */
  honest: text('a protocol name or a run folder').nullable().default(null),
  /** null: the run's scenario (a protocol needs one). */
  scenario: scenarioSource().nullable().default(null),
  set: overrides(),
  /** `--param name=value` for a threshold automaton's parameters other than N and F. */
  param: overrides(),
  /** The adversary during the episodes (a name or a run folder). */
  adversary: text('an adversary name or a run folder').default('silent'),
  episodes: integer(1, 1e7).default(2000),
  seed: integer(0, 2 ** 32 - 1).default(0),
  json: flag(),
});
export type ExtractConfig = z.output<typeof ExtractConfigSchema>;

export function extractCommand(): Command {
  const command = new Command('extract')
    .description('print a protocol (a run\'s learned policy, greedy, or a registry protocol) as a decision table over the observations it reaches')
    .option('--run <dir>', 'a training run: its learned honest policy, in the scenario it trained on')
    .option('--honest <protocol|run>', 'a registry protocol or a run folder (with --scenario)')
    .option('--scenario <name|file>', "scenario (default: the run's, when --run or --honest is a run folder)")
    .option('--param <name=value>', 'a parameter of a threshold automaton given as --honest FILE.ta, other than N and F (repeatable, e.g. T=1)', collect)
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--adversary <adversary|run>', withDefault('the adversary during the episodes', ExtractConfigSchema, 'adversary'))
    .option('--episodes <n>', withDefault('episodes to play', ExtractConfigSchema, 'episodes'), integerIn(1, 1e7))
    .option('--seed <k>', withDefault('seed', ExtractConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--json', 'print the table as one JSON object');
  return addConfigOption(command).action((flags: object, self: Command) => runExtract(commandConfig('extract', ExtractConfigSchema, self, givenFlags(flags))));
}

async function runExtract(given: ExtractConfig): Promise<void> {
  const config = { ...given, honest: honestWithParams(given.honest, given.param) };
  const { honest, scenario } = await honestAndScenario('extract', config);
  const sides = resolveSides(scenario, honest, await learnedOr(config.adversary, 'adversary', scenario));
  const table = extractDecisionTable({ scenario, honest: sides.honest, adversary: sides.adversary, episodes: config.episodes, seed: config.seed });
  process.stdout.write(config.json ? JSON.stringify(table, null, 2) + '\n' : formatDecisionTable(table));
}
