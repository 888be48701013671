/**
 * `cgym attack`: trains a fresh adversary against a frozen honest side (a protocol or a learned
 * run) and reports its break rate and most common winning attack as a trace.
 */
import { Command } from 'commander';
import { flag } from '../../game/parseConfig.js';
import { RefusedError } from '../../protocols/types.js';
import type { AttackConfig, AttackReport } from '../../train/attack.js';
import { ALGOS } from '../../train/names.js';
import { commandConfig, givenFlags } from '../commandConfig.js';
import { count, formatTable, percent, scenarioLabel } from '../format.js';
import { commandScenario, isRunName, readRunConfig, runScenario } from '../learned.js';
import { needs } from '../needs.js';
import { collect, integerIn, oneOfArgs } from '../options.js';
import { sendEpochToParent } from '../progress.js';

// The defaults these help texts state are AttackConfigSchema's (train/attack.ts, which loads
// TensorFlow.js, so only when an attack runs); a test holds the two together.
export function attackCommand(): Command {
  return new Command('attack')
    .description('train a fresh adversary against a frozen honest side and report its break rate and most common winning attack')
    .option('--scenario <name|file>', "a preset name or a JSON scenario file (default: the run's, when the honest side is a run folder)")
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--honest <protocol|run>', 'the frozen honest side: a protocol (see `cgym protocols`), or a run folder whose learned honest policy is attacked (greedy)')
    .option('--honest-run <dir>', 'a run folder whose learned honest policy is attacked (as --honest <run>)')
    .option('--config <file.json>', 'the options as one JSON object: a train config\'s keys (without those of an honest network) and honest, honestRun, traceEpisodes, json; flags given too override it')
    .option('--algo <algo>', `learning algorithm: ${ALGOS.join(', ')} (default: reinforce)`, oneOfArgs(ALGOS))
    .option('--epochs <n>', 'epochs to train the adversary (default: 100)', integerIn(1, 1e6))
    .option('--batch <b>', 'episodes per epoch (default: 256)', integerIn(1, 1 << 16))
    .option('--seed <k>', 'the run seed (default: 0)', integerIn(0, 2 ** 32 - 1))
    .option('--out <dir>', 'run folder of the adversary (default: runs/<scenario>__<algo>__<seed>__<time>)')
    .option('--trace-episodes <n>', 'greedy episodes searched for the most common winning attack (default: 2000)', integerIn(1, 1 << 20))
    .option('--resume', 'continue the stopped attack in --out from its last checkpoint (the same options as it was started with), then report')
    .option('--json', 'print one JSON object')
    .action((flags: object, self: Command) => runAttack(flags, self));
}

async function runAttack(flags: object, command: Command): Promise<void> {
  const { AttackConfigSchema, attack } = await import('../../train/attack.js'); // TensorFlow.js loads only when needed
  // The command line's config: the library's, with the honest side given either way, the scenario
  // optional (a run folder brings its own), and how to print.
  const schema = AttackConfigSchema.extend({
    scenario: AttackConfigSchema.shape.scenario.nullable().default(null),
    honest: AttackConfigSchema.shape.honest.nullable().default(null),
    /** A run folder whose learned honest policy is attacked (as `honest` naming a run folder). */
    honestRun: AttackConfigSchema.shape.honest.nullable().default(null),
    json: flag(),
    resume: flag(),
  });
  const { honestRun, json, resume, ...given } = commandConfig('attack', schema, command, givenFlags(flags));
  if (given.honest === null && honestRun === null) throw needs('attack', '--honest <protocol|run> (the protocols: `cgym protocols`)');
  if (given.honest !== null && honestRun !== null) throw new RefusedError('attack: give exactly one of --honest <protocol|run> or --honest-run <dir>');
  const honest = (honestRun ?? given.honest)!;
  const isRun = honestRun !== null ? (readRunConfig(honestRun), true) : isRunName(honest, 'honest');
  const scenario = commandScenario('attack', given, isRun ? [{ flag: honestRun !== null ? '--honest-run' : '--honest', dir: honest }] : []);
  const config: AttackConfig = { ...given, scenario: given.scenario ?? runScenario(honest), honest };
  const report = await attack({
    ...config,
    clockStart: 0,
    ...(resume && { resume }),
    onEpoch: (m) => {
      sendEpochToParent(m, config.epochs);
      if (!json && (m.epoch % 10 === 0 || m.epoch === config.epochs)) process.stderr.write(`epoch ${m.epoch}/${config.epochs} | adversary wins ${percent(1 - (m.winRate ?? 0))}\n`);
    },
  });
  if (json) {
    process.stdout.write(JSON.stringify({ ...report, set: given.set }, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatAttack(report, scenarioLabel(scenario, given.set)));
}

/** The break rate and the attack under a header; `scenario` is how the header names what was played (see scenarioLabel). */
export function formatAttack(r: AttackReport, scenario: string = r.scenario): string {
  const header = `${scenario} · attack on ${r.honest} · ${r.epochs} epochs · seed ${r.seed}\nrun folder: ${r.run}\n\n`;
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
