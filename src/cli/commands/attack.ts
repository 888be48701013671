/**
 * `cgym attack`: trains a fresh adversary against a frozen honest side (a protocol or a learned
 * run) and reports its break rate and most common winning attack as a trace.
 */
import { Command } from 'commander';
import { RefusedError } from '../../protocols/types.js';
import type { AttackReport } from '../../train/attack.js';
import type { Algo } from '../../train/names.js';
import { count, formatTable, percent } from '../format.js';
import { isRunName, readRunConfig } from '../learned.js';
import { collect, integerIn } from '../options.js';

interface AttackFlags {
  scenario: string;
  set?: string[];
  honest?: string;
  honestRun?: string;
  algo: Algo;
  epochs: number;
  batch?: number;
  seed: number;
  out?: string;
  json?: boolean;
}

export function attackCommand(): Command {
  return new Command('attack')
    .description('train a fresh adversary against a frozen honest side and report its break rate and most common winning attack')
    .requiredOption('--scenario <name|file>', 'a preset name or a JSON scenario file')
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--honest <protocol>', 'the frozen honest protocol')
    .option('--honest-run <dir>', 'a run folder whose learned honest policy is attacked')
    .option('--algo <algo>', 'learning algorithm: reinforce, ppo', 'reinforce')
    .option('--epochs <n>', 'epochs to train the adversary', integerIn(1, 1e6), 100)
    .option('--batch <b>', 'episodes per epoch (default 256)', integerIn(1, 1 << 16))
    .option('--seed <k>', 'the run seed', integerIn(0, 2 ** 32 - 1), 0)
    .option('--out <dir>', 'run folder of the adversary')
    .option('--json', 'print one JSON object')
    .action((flags: AttackFlags) => runAttack(flags));
}

async function runAttack(flags: AttackFlags): Promise<void> {
  if ((flags.honest === undefined) === (flags.honestRun === undefined)) throw new RefusedError('attack: give exactly one of --honest <protocol> or --honest-run <dir>');
  if (flags.algo !== 'reinforce' && flags.algo !== 'ppo') throw new RefusedError(`attack: --algo must be reinforce or ppo (got ${flags.algo})`);
  if (flags.honestRun !== undefined) readRunConfig(flags.honestRun);
  else isRunName(flags.honest!, 'honest');
  const { attack } = await import('../../train/attack.js'); // TensorFlow.js loads only when needed
  const report = await attack({
    scenario: flags.scenario,
    set: flags.set ?? [],
    honest: (flags.honest ?? flags.honestRun)!,
    algo: flags.algo,
    epochs: flags.epochs,
    seed: flags.seed,
    clockStart: 0,
    ...(flags.batch !== undefined && { batch: flags.batch }),
    ...(flags.out !== undefined && { out: flags.out }),
    onEpoch: (m) => {
      if (!flags.json && (m.epoch % 10 === 0 || m.epoch === flags.epochs))
        process.stderr.write(`epoch ${m.epoch}/${flags.epochs} | adversary wins ${percent(1 - (m.winRate ?? 0))}\n`);
    },
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatAttack(report));
}

export function formatAttack(r: AttackReport): string {
  const header = `${r.scenario} · attack on ${r.honest} · ${r.epochs} epochs · seed ${r.seed}\nrun folder: ${r.run}\n\n`;
  const rows: string[][] = [
    [`break rate (greedy, ${count(r.episodes)} episodes)`, percent(r.breakRate)],
    ['consistency violations', percent(r.consistencyViolationRate)],
    ['validity violations', percent(r.validityViolationRate)],
    ['termination violations', percent(r.terminationViolationRate)],
    ['majority-correct rate', percent(r.majorityCorrectRate)],
    ['wall seconds', r.wallSeconds.toFixed(1)],
  ];
  const attackLine = r.attack === null ? '\nthe adversary never wins.\n' : `\nmost common winning attack (${percent(r.attackShare ?? 0)} of its wins): ${r.attack}\n\n${r.trace}`;
  return header + formatTable(rows, { align: ['left', 'right'], indent: '  ' }) + attackLine;
}
