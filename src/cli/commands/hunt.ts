/**
 * `cgym hunt`: the robustness hunt — a protocol and its mutants, the verifier's verdict on each as
 * ground truth, and every attacker's score on each (src/hunt/hunt.ts): a table, or --json.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { loadScenario } from '../../game/loadScenario.js';
import { flag, integer, overrides, text, version } from '../../game/parseConfig.js';
import { hunt, type HuntedProtocol, type HuntReport } from '../../hunt/hunt.js';
import type { AttackerScore } from '../../hunt/attackers.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { count, formatTable, percent, scenarioLabel } from '../format.js';
import { honestWithParams } from '../learned.js';
import { needs } from '../needs.js';
import { collect, integerIn } from '../options.js';

/** Every option of `cgym hunt`, with its default. */
export const HuntConfigSchema = z.strictObject({
  version: version(),
  /** A preset name or a scenario file (the replay commands name it as given). */
  scenario: text('a preset name or a scenario file').nullable().default(null),
  set: overrides(),
  /** A registry protocol; its mutants are hunted with it. */
  honest: text('a protocol name').nullable().default(null),
  /** `--param name=value` for a threshold automaton's parameters other than N and F. */
  param: overrides(),
  /** Episodes per attacker per protocol. */
  episodes: integer(1, 1e7).default(2000),
  seed: integer(0, 2 ** 32 - 1).default(0),
  /** The verifier's budget; 0 skips it (every verdict "beyond reach"). */
  maxStates: integer(0, 1e12).default(20_000_000),
  /** Training epochs of the learned adversary per protocol; 0 leaves it out. */
  learnedEpochs: integer(0, 1e6).default(0),
  learnedBatch: integer(1, 1 << 16).default(256),
  /** Folder for the learned adversaries' run folders (null: runs/hunt__<scenario>__<protocol>__<seed>__<time>). */
  out: text('a folder').nullable().default(null),
  json: flag(),
});
export type HuntConfig = z.output<typeof HuntConfigSchema>;

export function huntCommand(): Command {
  const command = new Command('hunt')
    .description('the robustness hunt: a protocol and its mutants, the verifier\'s verdict on each, and how fast every attacker breaks them')
    .option('--honest <protocol>', 'the protocol whose mutants are hunted (see `cgym protocols`; required)')
    .option('--param <name=value>', 'a parameter of a threshold automaton given as --honest FILE.ta, other than N and F (repeatable, e.g. T=1)', collect)
    .option('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file (required)')
    .option('--set <key=value>', 'override a scenario key (repeatable), e.g. n=7 beyond the verifier\'s reach', collect)
    .option('--episodes <n>', withDefault('seeded episodes per attacker per protocol', HuntConfigSchema, 'episodes'), integerIn(1, 1e7))
    .option('--seed <k>', withDefault('run seed of the attackers\' episodes (and of the learned adversary\'s training)', HuntConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--max-states <n>', withDefault('the verifier\'s budget in engine states; past it (or projected past it) a verdict is "beyond reach"; 0 skips the verifier', HuntConfigSchema, 'maxStates'), integerIn(0, 1e12))
    .option('--learned-epochs <n>', withDefault('epochs of a fresh learned adversary (cgym attack) per protocol; 0 leaves it out', HuntConfigSchema, 'learnedEpochs'), integerIn(0, 1e6))
    .option('--learned-batch <b>', withDefault('episodes per epoch of that training', HuntConfigSchema, 'learnedBatch'), integerIn(1, 1 << 16))
    .option('--out <dir>', 'folder for the learned adversaries\' run folders (default: runs/hunt__<scenario>__<protocol>__<seed>__<time>)')
    .option('--json', 'print one JSON object (every protocol\'s verdict and attacker scores with traces, detection rates, false alarms)');
  return addConfigOption(command).action((flags: object, self: Command) => runHunt(commandConfig('hunt', HuntConfigSchema, self, givenFlags(flags))));
}

async function runHunt(config: HuntConfig): Promise<void> {
  if (config.honest === null) throw needs('hunt', '--honest <protocol> (the protocols: `cgym protocols`)');
  if (config.scenario === null) throw needs('hunt', '--scenario <name|file> (the presets: `cgym scenarios`)');
  const scenario = loadScenario(config.scenario, config.set);
  const time = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  const out = config.out ?? join('runs', `hunt__${scenario.name}__${config.honest.replace(/[^\w.=+-]+/g, '_')}__${config.seed}__${time}`);
  const report = await hunt({
    scenario,
    scenarioSource: config.scenario,
    set: config.set,
    honest: honestWithParams(config.honest, config.param),
    episodes: config.episodes,
    seed: config.seed,
    maxStates: config.maxStates,
    learnedEpochs: config.learnedEpochs,
    learnedBatch: config.learnedBatch,
    ...(config.learnedEpochs > 0 && { out }),
    ...(!config.json && { onProgress: (line: string) => process.stderr.write(`hunt: ${line}\n`) }),
  });
  if (config.json) process.stdout.write(JSON.stringify({ ...report, set: config.set }, null, 2) + '\n');
  else process.stdout.write(formatHunt(report, scenarioLabel(scenario, config.set)));
  const code = reportFalseAlarms(report, (line) => process.stderr.write(line));
  if (code !== 0) process.exitCode = code;
}

/**
 * A break of a verified-safe protocol is a bug somewhere in this project (engine, verifier or
 * attacker), never a finding: one `hunt: BUG:` line per false alarm on stderr (even under --json),
 * and exit code 2, as for an internal error. Returns the exit code.
 */
export function reportFalseAlarms(report: HuntReport, write: (line: string) => void): number {
  for (const alarm of report.falseAlarms)
    write(`hunt: BUG: ${alarm.attacker} broke ${alarm.protocol}, which the verifier proved safe (episode ${alarm.episode}); replay: ${alarm.replay}\n`);
  return report.falseAlarms.length ? 2 : 0;
}

/** One cell: `yes 3/0.01s 37.50%` or `no 0.00%`. */
function cell(score: AttackerScore): string {
  const rate = percent(score.breakRate);
  if (!score.firstViolation) return `no ${rate}`;
  return `yes ${count(score.firstViolation.episodesToFind)}/${score.firstViolation.secondsToFind.toFixed(2)}s ${rate}`;
}

function verdictCell(h: HuntedProtocol): string {
  if (h.truth.verdict === 'unsafe') return `unsafe (${h.truth.detail})`;
  return h.truth.verdict;
}

/** The table (protocol, verdict, per attacker: found? episodes / seconds · break rate), detection rates, replay commands. */
export function formatHunt(r: HuntReport, scenario: string = r.scenario): string {
  const attackers = r.protocols[0]?.attackers.map((a) => a.attacker) ?? [];
  const mutants = r.protocols.length > 1 ? `and ${r.protocols.length - 1} mutants` : '(it declares no mutants: HonestProtocol.mutants)';
  const header = `${scenario} · hunt on ${r.honest} ${mutants} · ${count(r.episodes)} episodes per attacker · seed ${r.seed}${r.learnedEpochs ? ` · learned: ${r.learnedEpochs} epochs` : ''}\n`;
  const legend = 'cell: "yes E/Ss R": a violation found after E episodes and S seconds (learned: training included), R = break rate over all episodes; "no R": none found\n\n';
  const rows: string[][] = [['protocol', 'verifier', ...attackers]];
  for (const h of r.protocols) rows.push([h.protocol, verdictCell(h), ...h.attackers.map(cell)]);
  const table = formatTable(rows, { header: true, indent: '  ' });

  const detection: string[][] = [['attacker', 'detection rate', 'broken beyond reach']];
  for (const d of r.detection) detection.push([d.attacker, d.rate === null ? 'n/a (none proved unsafe)' : `${d.detected}/${d.provedUnsafe} = ${percent(d.rate)}`, String(d.brokenBeyondReach)]);
  const rates = `\ndetection rate = mutants broken / mutants the verifier proved unsafe:\n\n${formatTable(detection, { header: true, indent: '  ' })}`;

  const beyond = r.protocols.filter((h) => h.truth.verdict === 'beyond reach').map((h) => `  ${h.protocol}: ${h.truth.detail}\n`);
  const reach = beyond.length ? `\nbeyond the verifier's reach:\n${beyond.join('')}` : '';

  const replays = r.protocols.flatMap((h) => h.attackers.filter((a) => a.firstViolation).map((a) => `  ${h.protocol} vs ${a.attacker}: ${a.firstViolation!.replay}\n`));
  const commands = replays.length ? `\nfirst violations, replayed by:\n${replays.join('')}` : '';

  const alarms = r.falseAlarms.length
    ? `\n!! FALSE ALARMS: attackers broke protocols the verifier proved safe — a bug in the engine, the verifier or the attacker:\n${r.falseAlarms.map((a) => `  ${a.protocol} vs ${a.attacker}: ${a.replay}\n`).join('')}`
    : '';
  return header + legend + table + rates + reach + commands + alarms;
}
