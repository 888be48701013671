/**
 * `cgym extract`: a protocol — a trained run's honest policy (greedy), or any registry protocol — as a
 * readable decision table over the observations it reaches, with one rule per round.
 */
import { Command } from 'commander';
import { resolveSides } from '../../play/play.js';
import { extractDecisionTable, formatDecisionTable } from '../../verify/extract.js';
import { honestAndScenario, learnedOr } from '../learned.js';
import { collect, integerIn } from '../options.js';

interface ExtractFlags {
  run?: string;
  honest?: string;
  scenario?: string;
  set?: string[];
  adversary: string;
  episodes: number;
  seed: number;
  json?: boolean;
}

export function extractCommand(): Command {
  return new Command('extract')
    .description('print a protocol (a run\'s learned policy, greedy, or a registry protocol) as a decision table over the observations it reaches')
    .option('--run <dir>', 'a training run: its learned honest policy, in the scenario it trained on')
    .option('--honest <protocol|run>', 'a registry protocol or a run folder (with --scenario)')
    .option('--scenario <name|file>', 'scenario (default with --run: the run\'s)')
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--adversary <adversary|run>', 'the adversary during the episodes', 'silent')
    .option('--episodes <n>', 'episodes to play', integerIn(1, 1e7), 2000)
    .option('--seed <k>', 'seed', integerIn(0, 2 ** 32 - 1), 0)
    .option('--json', 'print the table as one JSON object')
    .action((flags: ExtractFlags) => runExtract(flags));
}

async function runExtract(flags: ExtractFlags): Promise<void> {
  const { honest, scenario } = await honestAndScenario('extract', flags);
  const sides = resolveSides(scenario, honest, await learnedOr(flags.adversary, 'adversary', scenario));
  const table = extractDecisionTable({ scenario, honest: sides.honest, adversary: sides.adversary, episodes: flags.episodes, seed: flags.seed });
  process.stdout.write(flags.json ? JSON.stringify(table, null, 2) + '\n' : formatDecisionTable(table));
}
