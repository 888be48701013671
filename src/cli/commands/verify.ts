/**
 * `cgym verify`: proves a deterministic honest protocol safe against every adversary of a scenario,
 * or prints the shortest attack found as a round-by-round table (adversary choices marked `*`).
 */
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { z } from 'zod';
import { availableParallelism } from 'node:os';
import type { VerifyResult } from '../../verify/verify.js';
import { StateLimitError } from '../../verify/verify.js';
import { verifyAutomatonSpecs, type AutomatonSpecsResult } from '../../verify/automatonSpecs.js';
import { getProtocol } from '../../protocols/registry.js';
import { isAutomatonOrMutantName, type AutomatonProtocol } from '../../protocols/thresholdAutomaton/protocol.js';
import { verifyOnAllCores } from '../../verify/verifyOnAllCores.js';
import { flag, integer, oneOf, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { count, formatTable, percent, scenarioLabel } from '../format.js';
import { honestAndScenario, honestWithParams, type LearnedPlay } from '../learned.js';
import { collect, integerIn, oneOfArgs } from '../options.js';

const PLAY_MODES: readonly LearnedPlay[] = ['greedy', 'sample'];
/** `--falsify` without a number: as many cheap attacks per chance outcome as `discover` plays. */
const DEFAULT_FALSIFY_EPISODES = 128;

/** Every option of `cgym verify`, with its default. */
export const VerifyConfigSchema = z.strictObject({
  version: version(),
  /** null: the run's scenario (a protocol needs one). */
  scenario: scenarioSource().nullable().default(null),
  /** A deterministic protocol or a run folder (its learned policy). */
  honest: text('a protocol name or a run folder').nullable().default(null),
  /** A run folder whose learned honest policy is verified. */
  run: text('a run folder').nullable().default(null),
  set: overrides(),
  /** `--param name=value` for a threshold automaton's parameters other than N and F. */
  param: overrides(),
  /** How a run's learned policy plays: greedy (exhaustive search) or sample (expectimax over its choices). */
  play: oneOf(PLAY_MODES).default('greedy'),
  json: flag(),
  /** Give up (an error, never a verdict) after this many engine states. */
  maxStates: integer(1, 1e12).default(20_000_000),
  /** Worker threads, one chance outcome at a time each; null: every core. The result does not depend on it. */
  workers: integer(1, 256).nullable().default(null),
  /** Use the protocol's declared (and checked) agent symmetry; false (`--no-symmetry`) searches every chance outcome and state as they are. */
  symmetry: z.boolean({ error: 'must be true or false' }).default(true),
  /** Leave out the adversary's content the protocol declares (and the check confirms) it never reads; false (`--no-origin-pruning`) offers all of it. */
  originPruning: z.boolean({ error: 'must be true or false' }).default(true),
  /**
   * Cheap attacks played on each chance outcome before its exhaustive search (the silent adversary,
   * then random strategies: verify/_internals/falsify.ts); null: none. The verdict and the worst-case
   * loss rate stay exact; break rates count only the attacks found, the counterexample need not be the shortest.
   */
  falsify: integer(1, 100_000).nullable().default(null),
});
export type VerifyConfig = z.output<typeof VerifyConfigSchema>;

export function verifyCommand(): Command {
  const command = new Command('verify')
    .description('search every adversary strategy of a (small) scenario: prove a deterministic protocol safe, or print the attack')
    .option('--scenario <name|file>', "a preset name (see `cgym scenarios`) or a JSON scenario file (default: the run's, when --run or --honest is a run folder)")
    .option('--honest <protocol|run>', 'deterministic honest protocol (see `cgym protocols`), or a run folder (its learned policy, greedy)')
    .option('--run <dir>', 'verify a training run\'s learned honest policy (greedy) in the scenario it was trained on')
    .option('--param <name=value>', 'a parameter of a threshold automaton given as --honest FILE.ta, other than N and F (repeatable, e.g. T=1)', collect)
    .option('--set <key=value>', 'override a scenario key (repeatable; dotted keys for nested ones)', collect)
    .option('--play <mode>', withDefault("how a run's learned policy plays: greedy (deterministic: the exhaustive search) or sample (its stochastic policy: expectimax over its choices)", VerifyConfigSchema, 'play'), oneOfArgs(PLAY_MODES))
    .option('--json', 'print one JSON object (verdict, method, violations, worstCaseLossRate, states, seconds, counterexample)')
    .option('--max-states <n>', withDefault('give up (with an error, never a verdict) after this many engine states', VerifyConfigSchema, 'maxStates'), integerIn(1, 1e12))
    .option('--no-symmetry', 'search every chance outcome and state as they are (default: one per orbit of the agents the protocol declares interchangeable, the claim checked first)')
    .option('--no-origin-pruning', "offer the adversary every message and chain (default: only those from the agents the protocol declares it reads, e.g. broadcast's sender for dolev-strong and eig, the claim checked first)")
    .option('--falsify [episodes]', `before each chance outcome's search, play this many cheap attacks on it (the silent adversary, then random ones; ${DEFAULT_FALSIFY_EPISODES} if no number is given); an outcome one wins is counted lost unsearched: verdict and worst-case loss rate unchanged, break rates only the attacks' properties, the counterexample not always the shortest (default: off)`, integerIn(1, 100_000))
    .option('--workers <w>', `worker threads, each solving one chance outcome at a time; results do not depend on it (default: every core, ${availableParallelism()} here; one for a run's learned policy)`, integerIn(1, 256));
  // Commander sets `symmetry: true` unless --no-symmetry is given (likewise --no-origin-pruning): only the flag itself is passed on (a --config file may set it).
  // `--falsify` alone is `true` to commander: the default number of attacks.
  return addConfigOption(command).action((flags: { symmetry?: boolean; originPruning?: boolean; falsify?: number | true }, self: Command) =>
    runVerify(commandConfig('verify', VerifyConfigSchema, self, givenFlags({ ...flags, symmetry: flags.symmetry === false ? false : undefined, originPruning: flags.originPruning === false ? false : undefined, falsify: flags.falsify === true ? DEFAULT_FALSIFY_EPISODES : flags.falsify }))),
  );
}

async function runVerify(config: VerifyConfig): Promise<void> {
  const { honest, scenario } = await honestAndScenario('verify', { ...config, honest: honestWithParams(config.honest, config.param) });
  // A threshold automaton's own specifications are checked first: they are its judge, and the game's
  // verdict may be out of the budget's reach where they are not (then `verdict` is null, with the reason).
  const automaton = typeof honest === 'string' && isAutomatonOrMutantName(honest) ? (getProtocol(honest, scenario) as AutomatonProtocol) : undefined;
  const specs = automaton && verifyAutomatonSpecs({ scenario, protocol: automaton, maxStates: config.maxStates, symmetry: config.symmetry });
  const progress = startProgress(config);
  let result: VerifyResult | undefined;
  let beyond: string | undefined;
  try {
    result = await verifyOnAllCores({ scenario, honest, maxStates: config.maxStates, symmetry: config.symmetry, originPruning: config.originPruning, ...(config.falsify !== null && { falsify: { episodes: config.falsify } }), ...(config.workers !== null && { workers: config.workers }), ...(progress && { onProgress: progress.update }) });
  } catch (error) {
    if (!(specs && error instanceof StateLimitError)) throw error;
    beyond = error.message;
  } finally {
    progress?.stop();
  }
  if (config.json) {
    const verdict = result ? (({ counterexample, ...rest }) => ({ ...rest, counterexample }))(result.verdict === 'unsafe' ? result : { ...result, counterexample: null }) : { verdict: null, verdictBeyondBudget: beyond };
    process.stdout.write(JSON.stringify({ ...verdict, set: config.set, ...(specs && { specs: specs.specs, specsSearch: specsSearch(specs) }) }, null, 2) + '\n');
    return;
  }
  if (result) process.stdout.write(formatVerify(result, scenarioLabel(scenario, config.set)));
  else process.stdout.write(`${scenarioLabel(scenario, config.set)} · honest ${typeof honest === 'string' ? honest : honest.name}\n\n  verdict (consistency, validity, termination): beyond the budget: ${beyond}\n`);
  if (specs) process.stdout.write(formatAutomatonSpecs(specs));
}

/** The specification search's size, without the per-specification verdicts. */
function specsSearch(r: AutomatonSpecsResult): Omit<AutomatonSpecsResult, 'specs'> {
  const { specs: _specs, ...rest } = r;
  return rest;
}

/** One line per specification of the file: holds / violated (with the counterexample's round) / not checked (why). */
export function formatAutomatonSpecs(r: AutomatonSpecsResult): string {
  const width = Math.max(...Object.keys(r.specs).map((name) => name.length), 4);
  const lines = Object.entries(r.specs).map(([name, s]) => {
    const what = s.holds === true ? (s.vacuous ? 'holds (its premise is false at every start: nothing to check)' : 'holds') : s.holds === false ? `VIOLATED in round ${s.counterexample!.round} (faulty ${s.counterexample!.setup.faulty.join(',') || 'none'}, inputs ${s.counterexample!.setup.inputs.join(',')})` : `not checked: ${s.reason}`;
    return `  ${name.padEnd(width)}  ${s.kind.padEnd(8)}  ${what}`;
  });
  const header = `\nthe file's specifications, over every run of at most ${r.horizon} rounds, every adversary and chance outcome (liveness: met within the horizon; ${r.orbits !== undefined ? `${count(r.orbits)} of ${count(r.chanceOutcomes)} chance outcomes, one per orbit of renamed processes; ` : ''}${count(r.states)} states, ${r.seconds.toFixed(2)} s):\n`;
  const traces = Object.entries(r.specs)
    .filter(([, s]) => s.holds === false)
    .map(([name, s]) => `\n${name} breaks on this run (adversary script: ${s.counterexample!.script.map((round, k) => `${k + 1}: ${JSON.stringify(round)}`).join('; ') || 'none'}${s.counterexample!.chance ? `; automaton choices ${s.counterexample!.chance.join(' ')}` : ''}):\n\n${s.counterexample!.trace}`);
  return header + lines.join('\n') + '\n' + traces.join('');
}

/** A bar on stderr over the chance outcomes, only on a terminal and never with --json. */
function startProgress(config: VerifyConfig): { update: (done: number, total: number, states: number) => void; stop: () => void } | undefined {
  if (config.json || !process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'verifying [{bar}] {value}/{total} chance outcomes | {states} states | eta {eta}s', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, states) {
      if (!started) {
        bar.start(total, done, { states: count(states) });
        started = true;
      } else bar.update(done, { states: count(states) });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** The verdict under a header; `scenario` is how the header names what was searched (see scenarioLabel). */
export function formatVerify(r: VerifyResult, scenario: string = r.scenario): string {
  const randomised = r.method === 'expectimax';
  const how = randomised ? 'the optimal adaptive adversary, expectimax over every coin and draw' : 'every adversary';
  const orbits = r.orbits !== undefined ? ` (${count(r.orbits)} up to symmetry)` : '';
  const pruned = r.visibleOrigins ? ` · the adversary's content from ${r.visibleOrigins.length === 1 ? 'agent' : 'agents'} ${r.visibleOrigins.join(', ')} only (the protocol reads no other)` : '';
  const header = `${scenario} · honest ${r.honest} · ${how} · ${count(r.chanceOutcomes)} chance outcomes${orbits}${pruned}\n\n`;
  // Exhaustive: the share of chance outcomes where a property can be broken; expectimax: the probability an adversary aiming at it achieves.
  // With --falsify, outcomes are settled by the first attack found: the rates are what those attacks break.
  const breakable = randomised ? 'probability of breaking' : r.falsified !== undefined ? 'breakable in at least' : 'breakable in';
  const rows: string[][] = [
    ['verdict', r.verdict === 'safe' ? 'safe' : `unsafe (${r.property})`],
    ['worst-case honest loss rate', percent(r.worstCaseLossRate)],
    [`consistency ${breakable}`, percent(r.breakRate.consistency)],
    [`validity ${breakable}`, percent(r.breakRate.validity)],
    [`termination ${breakable}`, percent(r.breakRate.termination)],
  ];
  if (r.worstCaseMajorityCorrectRate !== undefined) rows.push(['worst-case majority-correct rate', percent(r.worstCaseMajorityCorrectRate)]);
  if (r.falsified !== undefined) rows.push([`${orbits ? 'orbits' : 'chance outcomes'} lost to a cheap attack, unsearched`, count(r.falsified)]);
  rows.push(['states explored', count(r.states)]);
  if (r.estimatedStates !== undefined) rows.push(["Knuth's estimate before the search", count(Math.round(r.estimatedStates))]);
  rows.push(['seconds', r.seconds.toFixed(2)]);
  const table = header + formatTable(rows, { align: ['left', 'right'], indent: '  ' });
  if (r.verdict === 'safe') return table;
  const script = `script (round: choices): ${r.counterexample.script.map((round, k) => `${k + 1}: ${JSON.stringify(round)}`).join('; ')}\n`;
  const coins = r.counterexample.chance ? `coins and draws (in drawing order): ${r.counterexample.chance.join(' ')}\n` : '';
  const title = randomised
    ? `a losing episode under the loss-maximising adversary (${r.counterexample.rounds} rounds)`
    : r.falsified !== undefined
      ? `a counterexample, the first attack found (${r.counterexample.rounds} rounds; --falsify: not always the shortest)`
      : `shortest counterexample (${r.counterexample.rounds} rounds)`;
  return `${table}\n${title}:\n\n${r.counterexample.trace}${script}${coins}`;
}
