/**
 * `cgym discover`: one learner, the verifier in the loop, until the greedy honest protocol is proven
 * safe or the budget ends (src/discover/discover.ts); prints the verified worst-case loss, the
 * learned rules, rounds and messages against the setting's classic protocol, and the command that
 * reproduces the run. No per-setting flags: the learner is src/discover/discoveryConfig.ts.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { flag, integer, overrides, text, version } from '../../game/parseConfig.js';
import type { AtNPlusOne, DiscoveryReport, ProtocolCost } from '../../discover/discover.js';
import { DISCOVERY_CONFIG } from '../../discover/discoveryConfig.js';
import { addConfigOption, commandConfig, givenFlags } from '../commandConfig.js';
import { count, formatTable, percent } from '../format.js';
import { needs } from '../needs.js';
import { collect, integerIn } from '../options.js';
import { sendEpochToParent } from '../progress.js';

/** Every option of `cgym discover`, with its default. */
export const DiscoverConfigSchema = z.strictObject({
  version: version(),
  scenario: text('a preset name or a scenario file').nullable().default(null),
  set: overrides(),
  seed: integer(0, 2 ** 32 - 1).default(0),
  /** The budget in epochs; null: the discovery config's (DISCOVERY_CONFIG.epochs). */
  epochs: integer(1, 1e6).nullable().default(null),
  /** The run folder; null: runs/discover__<scenario>__<seed>__<time>. */
  run: text('a folder').nullable().default(null),
  resume: flag(),
  /** Check the result policy with one agent more (n+1) after the run; false: `--no-check-larger`. */
  checkLarger: z.boolean({ error: 'must be true or false' }).default(true),
  json: flag(),
});
export type DiscoverConfig = z.output<typeof DiscoverConfigSchema>;

export function discoverCommand(): Command {
  const command = new Command('discover')
    .description('discover a protocol: league self-play with the verifier in the loop until the greedy honest policy is proven safe or the budget ends; one learner for every setting')
    .option('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file (required)')
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--seed <k>', 'the run seed (default: 0)', integerIn(0, 2 ** 32 - 1))
    .option('--epochs <n>', `the budget in epochs; the run stops earlier once the verifier proves the policy safe (default: ${DISCOVERY_CONFIG.epochs})`, integerIn(1, 1e6))
    .option('--run <dir>', 'run folder, missing or empty (default: runs/discover__<scenario>__<seed>__<time>)')
    .option('--resume', 'continue the discovery in --run from its last checkpoint (--epochs may extend its budget)')
    .option('--no-check-larger', 'do not check the result policy with one agent more (default: its network reads any n, so it is checked at n+1: cheap attacks, then the exact loss or a proof within a budget, else a lower bound or "not decided")')
    .option('--json', 'print the discovery report as one JSON object');
  // Commander sets `checkLarger: true` unless --no-check-larger is given: only the flag itself is passed on (a --config file may set it).
  return addConfigOption(command).action((flags: { checkLarger?: boolean }, self: Command) =>
    runDiscover(commandConfig('discover', DiscoverConfigSchema, self, givenFlags({ ...flags, checkLarger: flags.checkLarger === false ? false : undefined }))));
}

async function runDiscover(config: DiscoverConfig): Promise<void> {
  // Loaded here: TensorFlow.js and the verifier take a while to load, and other commands do not need them.
  const { discover } = await import('../../discover/discover.js');
  if (config.resume && config.run === null) throw needs('discover', '--run <dir> with --resume (the run folder to continue)');
  if (config.scenario === null && !config.resume) throw needs('discover', '--scenario <name|file> (the presets: `cgym scenarios`)');
  const report = await discover({
    ...(config.scenario !== null && { scenario: config.scenario }),
    set: config.set,
    seed: config.seed,
    ...(config.epochs !== null && { epochs: config.epochs }),
    ...(config.run !== null && { run: config.run }),
    ...(config.resume && { resume: true }),
    ...(!config.checkLarger && { checkLarger: false }),
    clockStart: 0,
    onLine: (line) => process.stderr.write(`discover: ${line}\n`),
    onEpoch: (m, budget) => {
      if (!config.json && m.epoch % 25 === 0) {
        const majority = m.evalMajorityCorrectRate === null ? '' : ` | greedy majority-correct ${percent(m.evalMajorityCorrectRate)}`;
        process.stderr.write(`discover: epoch ${m.epoch} | greedy ${m.evalWinRate === null ? '—' : percent(m.evalWinRate)}${majority}\n`);
      }
      sendEpochToParent(m, budget);
    },
  });
  process.stdout.write(config.json ? JSON.stringify(report, null, 2) + '\n' : formatDiscovery(report));
}

const fixed = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');

/** The n+1 check's verdict in one line: a lower bound says so, and where its attack starts. */
export function formatAtNPlusOne(c: AtNPlusOne): string {
  const took = `${c.seconds.toFixed(1)} s`;
  switch (c.verdict) {
    case 'safe':
      return `safe: proven, worst-case loss 0% (${took})`;
    case 'unsafe': {
      const where = c.attack ? `; e.g. faulty {${c.attack.faulty.join(',')}}, inputs ${c.attack.inputs.join('')}: ${c.attack.violated.join(', ')}` : '';
      return c.lowerBound
        ? `unsafe: worst-case loss ≥ ${percent(c.worstCaseLoss ?? 0)} (a lower bound: what cheap attacks won${where}; ${took})`
        : `unsafe: worst-case loss ${percent(c.worstCaseLoss ?? 0)} (exact${where}; ${took})`;
    }
    case 'undecided':
      return `not decided: beyond the check's budget (${c.reason ?? 'no reason given'}; ${took})`;
    case 'skipped':
      return `not checked: ${c.reason ?? 'no reason given'}`;
  }
}

/** The report as the terminal shows it: the verdict, the rules, the cost against the classic, the reproduce command. */
export function formatDiscovery(r: DiscoveryReport): string {
  const lines: string[] = [`${r.scenario}${r.set.length ? ` (${r.set.join(', ')})` : ''} · discover · seed ${r.seed}`, `run folder: ${r.run}`, ''];
  if (r.impossibility) lines.push(`bound: ${r.impossibility}`, '');
  const verdict = r.verifiedWorstCaseLoss === null ? 'not verified' : r.verifiedWorstCaseLoss === 0 ? '0% — proven safe' : percent(r.verifiedWorstCaseLoss);
  const described = r.result === 'last trained' ? 'the last policy trained (not verified: no check reached the later policies)' : r.result === 'best verified' ? `the best verified policy (epoch ${r.bestEpoch})` : '—';
  lines.push(
    formatTable([
      ['verified worst-case loss (best)', verdict],
      ['stopped', r.stoppedBecause === 'verified safe' ? `verified safe at epoch ${r.epochs}` : `budget of ${r.budget} epochs ended (best at epoch ${r.bestEpoch ?? '—'})`],
      ['verifications', String(r.verifications)],
      ['rules and costs below describe', described],
      ...(r.refutedCheaply ? [['checks stopped at cheap attacks (no better than the best)', String(r.refutedCheaply)]] : []),
      ['wall seconds', r.wallSeconds.toFixed(1)],
    ], { align: ['left', 'right'], indent: '  ' }).trimEnd(),
    ...(r.atNPlusOne ? [`  at n=${r.atNPlusOne.n} (one agent more): ${formatAtNPlusOne(r.atNPlusOne)}`] : []),
    '',
  );
  lines.push(r.rules.length ? 'learned rules:' : 'learned rules: none explains any round', ...r.rules.map((rule) => `  round ${rule.round}: ${rule.rule} (${(100 * rule.share).toFixed(1)}% of ${count(rule.decisions)} decisions)`), '');
  const rows: string[][] = [['protocol', 'rounds', 'messages / decision', 'win rate', 'majority-correct', 'verified worst-case loss']];
  const costRow = (name: string, c: ProtocolCost | null): string[] =>
    c === null ? [name, '—', '—', '—', '—', '—'] : [name, fixed(c.rounds), fixed(c.messagesPerDecision), percent(c.winRate), percent(c.majorityCorrectRate), c.verifiedWorstCaseLoss === null ? '—' : percent(c.verifiedWorstCaseLoss)];
  if (r.learned) rows.push(costRow('learned', r.learned));
  if (r.classic) rows.push(costRow(r.classic.classic, r.classic.cost));
  const against = r.learned ? ` (greedy, ${count(r.learned.episodes)} episodes against ${r.learned.adversary})` : '';
  lines.push(`against the classic protocol${against}:`, formatTable(rows, { header: true, indent: '  ' }).trimEnd());
  if (r.classic) lines.push(`  classic: ${r.classic.classic} — ${r.classic.source}${r.classic.note ? `; ${r.classic.note}` : ''}`);
  lines.push('', `reproduce: ${r.reproduce}`, '');
  return lines.join('\n');
}
