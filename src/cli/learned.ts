/**
 * Run folders where a command asks for a protocol or an adversary: a run folder stands for its
 * learned side (greedy unless asked to sample), and brings the scenario it was trained on.
 *
 * A name is a registry entry; a path (with a `/`, or an existing folder that is no registry name)
 * is a run folder, and a path that is not one is named for what it is (`no such run folder: X`).
 * The training layer is imported only for a run folder: it loads TensorFlow.js, which every other
 * use of `cgym` need not pay for.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, type ScenarioSource } from '../game/loadScenario.js';
import { FileTooLargeError, MAX_TEXT_FILE_BYTES, readTextFileCapped } from '../game/readTextFileCapped.js';
import type { Scenario } from '../game/scenario.js';
import { RefusedError, type Adversary, type HonestProtocol } from '../game/strategy.js';
import { ADVERSARIES, getAdversary, getProtocol, isProtocolName, PROTOCOLS } from '../protocols/registry.js';
import { automatonName, automatonOfMutant, automatonProtocol, isAutomatonName, isAutomatonOrMutantName, type AutomatonProtocol } from '../protocols/thresholdAutomaton/protocol.js';
import { checkSpecifications, type SpecResult } from '../protocols/thresholdAutomaton/specs.js';
import { needs } from './needs.js';
import { scenarioDifferences, shownValue as shown } from './scenarioDifferences.js';

export type Side = 'honest' | 'adversary';

export const isRunFolder = (name: string): boolean => existsSync(join(name, 'config.json'));

/**
 * A run folder's config.json as an object, or a one-line RangeError saying what the path is
 * instead: missing, not a folder, without config.json, or with a config.json that does not parse
 * (a run killed while writing it, a file truncated by a copy).
 */
export function readRunConfig(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) throw new RangeError(`no such run folder: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new RangeError(`${dir} is not a run folder (it is a file)`);
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new RangeError(`${dir} is not a run folder (no config.json)`);
  let text: string;
  try {
    text = readTextFileCapped(file, MAX_TEXT_FILE_BYTES, 'run config');
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new RangeError(error.message);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`${file}: malformed JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RangeError(`${file}: must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * Whether `name`, given where a protocol (or adversary) or a run folder may stand, is a run folder
 * (its config.json checked here). A name with a `/` is always a path; a registry name is always
 * the registry's, even beside a folder of that name (`./majority` is the folder); any other
 * existing path is a run folder. Anything else is an unknown name, refused with the known ones.
 */
export function isRunName(name: string, side: Side): boolean {
  // A threshold automaton file, or one of its guard mutants (`FILE.ta[T=1]:guard1-plus-1`), not a run folder.
  if (side === 'honest' && isAutomatonOrMutantName(name)) return false;
  const registry: ReadonlyArray<{ name: string }> = side === 'honest' ? PROTOCOLS : ADVERSARIES;
  if (!name.includes('/') && (side === 'honest' ? isProtocolName(name) : registry.some((entry) => entry.name === name))) return false;
  if (name.includes('/') || existsSync(name)) {
    readRunConfig(name); // throws for a path that is not a run folder
    return true;
  }
  const kind = side === 'honest' ? 'protocol' : 'adversary';
  throw new RefusedError(`unknown ${kind} "${name}" (known: ${registry.map((entry) => entry.name).join(', ')}; a run folder is a path, e.g. runs/${name} or ./${name})`);
}

/** How a run's learned honest policy plays: its most likely action (deterministic), or sampled. */
export type LearnedPlay = 'greedy' | 'sample';

export async function learnedOr(name: string, side: 'honest', scenario: Scenario, play?: LearnedPlay): Promise<HonestProtocol | string>;
export async function learnedOr(name: string, side: 'adversary', scenario: Scenario): Promise<Adversary | string>;
export async function learnedOr(name: string, side: Side, scenario: Scenario, play: LearnedPlay = 'greedy'): Promise<HonestProtocol | Adversary | string> {
  if (side === 'honest') warnAutomaton(name, scenario);
  if (!isRunName(name, side)) return name;
  return side === 'honest' ? learnedSide(name, 'honest', scenario, play) : learnedSide(name, 'adversary', scenario);
}

/** A run folder's learned side (greedy unless `play` says sample), whatever the folder is called. */
export async function learnedSide(dir: string, side: 'honest', scenario: Scenario, play?: LearnedPlay): Promise<HonestProtocol>;
export async function learnedSide(dir: string, side: 'adversary', scenario: Scenario): Promise<Adversary>;
export async function learnedSide(dir: string, side: Side, scenario: Scenario, play: LearnedPlay = 'greedy'): Promise<HonestProtocol | Adversary> {
  readRunConfig(dir);
  const [{ learnedHonest, learnedAdversary }, { ready }] = await Promise.all([import('../train/runPolicy.js'), import('../policy/tf.js')]);
  await ready(); // the TensorFlow.js backend must be up before a network is built
  return side === 'honest' ? learnedHonest(dir, scenario, play) : learnedAdversary(dir, scenario);
}

/** The raw scenario a run was trained on (its config.json records the whole object, overrides applied). */
export function runScenario(dir: string): Record<string, unknown> {
  const { scenario } = readRunConfig(dir);
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) throw new RangeError(`run ${dir}: config.json has no scenario`);
  return scenario as Record<string, unknown>;
}

/** A run folder given to a command, with the flag that gave it (for messages). */
export interface GivenRun {
  flag: string;
  dir: string;
}

/**
 * The scenario a command plays, and where it came from: `--scenario` if given, else the one its
 * run folders were trained on; `--set` overrides laid over either. A `--scenario` whose game
 * differs from a run's, or two runs trained on different games, are refused in one line (a
 * learned policy plays the game it learned; `--set` changes a key on purpose).
 */
export function commandScenario(command: string, options: { scenario?: ScenarioSource | null; set?: readonly string[] }, runs: readonly GivenRun[]): Scenario {
  const set = options.set ?? [];
  // Compared with the --set overrides laid over each: a protocol trained at f=0 meets an attacker
  // trained against it at f=1 under `--set f=1`.
  const trained = runs.map((run) => ({ ...run, scenario: loadScenario(runScenario(run.dir), set) }));
  for (const other of trained.slice(1)) {
    const [differ] = scenarioDifferences(trained[0]!.scenario, other.scenario);
    if (differ)
      throw new RangeError(`${command}: ${trained[0]!.flag} ${trained[0]!.dir} and ${other.flag} ${other.dir} were trained on different scenarios (${differ.key}=${shown(differ.a)} and ${shown(differ.b)}); --set ${differ.key}=${shown(differ.b)} plays both at the second's`);
  }
  const given = options.scenario ?? null;
  if (given === null) {
    if (trained.length === 0) throw needs(command, '--scenario <name|file> (the presets: `cgym scenarios`; only a run folder brings its own)');
    return trained[0]!.scenario;
  }
  const scenario = loadScenario(given, set);
  for (const run of trained) {
    const [differ] = scenarioDifferences(scenario, run.scenario);
    if (differ)
      throw new RangeError(
        `${command}: --scenario ${typeof given === 'string' ? given : scenario.name} has ${differ.key}=${shown(differ.a)}, but ${run.flag} ${run.dir} was trained with ${differ.key}=${shown(differ.b)}; leave --scenario out (the run brings its own) or change a key with --set`,
      );
  }
  return scenario;
}

/** The scenario of a command that takes `--honest P|DIR` and `--adversary A|DIR` (play, chart): `commandScenario` over the sides that are run folders. */
export function sidesScenario(command: string, options: { honest: string; adversary: string; scenario?: ScenarioSource | null; set?: readonly string[] }): Scenario {
  const runs: GivenRun[] = [];
  if (isRunName(options.honest, 'honest')) runs.push({ flag: '--honest', dir: options.honest });
  if (isRunName(options.adversary, 'adversary')) runs.push({ flag: '--adversary', dir: options.adversary });
  return commandScenario(command, options, runs);
}

/**
 * The honest side and scenario of a command that takes `--run DIR` or `--honest P|DIR`, an
 * optional `--adversary A|DIR` and an optional `--scenario` (a run folder brings its own).
 */
export async function honestAndScenario(
  command: string,
  options: { run?: string | null; honest?: string | null; adversary?: string | null; scenario?: ScenarioSource | null; set?: readonly string[]; play?: LearnedPlay },
): Promise<{ honest: HonestProtocol | string; scenario: Scenario }> {
  const run = options.run ?? undefined;
  const given = options.honest ?? undefined;
  const name = run ?? given;
  if (name === undefined) throw needs(command, '--honest <protocol|run> or --run <dir>');
  if (run !== undefined && given !== undefined) throw new RangeError(`${command}: give --honest or --run, not both`);
  // --run takes only a run folder; --honest a protocol or a run folder.
  const isRun = run !== undefined ? (readRunConfig(run), true) : isRunName(name, 'honest');
  const runs: GivenRun[] = isRun ? [{ flag: run !== undefined ? '--run' : '--honest', dir: name }] : [];
  const adversary = options.adversary ?? undefined;
  if (adversary !== undefined && isRunName(adversary, 'adversary')) runs.push({ flag: '--adversary', dir: adversary });
  const scenario = commandScenario(command, options, runs);
  if (options.play === 'sample' && !isRun) throw new RangeError(`${command}: --play sample applies to a run folder's learned policy (got ${name})`);
  warnAutomaton(name, scenario);
  return { honest: isRun ? await learnedSide(name, 'honest', scenario, options.play) : name, scenario };
}

/**
 * The honest side's name with `--param name=value` settings: a threshold automaton `FILE.ta` carries
 * them in its name (`FILE.ta[T=1]`), which is how it crosses to worker threads. Other protocols take none.
 */
export function honestWithParams<T extends string | null>(honest: T, params: readonly string[]): T {
  if (params.length === 0 || honest === null) return honest;
  if (!isAutomatonName(honest)) throw new RangeError(`--param applies to a threshold automaton (--honest FILE.ta), not to ${honest}`);
  return automatonName(honest, params) as T;
}

/** A threshold automaton's warnings for this scenario (outside its assumptions, …), on stderr: running there is allowed. */
function warnAutomaton(name: string, scenario: Scenario): void {
  const automaton = isAutomatonName(name) ? name : automatonOfMutant(name);
  if (automaton === undefined) return;
  const why = getProtocol(name).refuse(scenario);
  if (why) throw new RefusedError(why);
  for (const line of automatonProtocol(automaton).warnings(scenario)) process.stderr.write(`${line}\n`);
}

/**
 * A threshold automaton's own specifications over the episodes `play` played (the same seed, so
 * `firstViolation` replays with --trace-episode), or undefined for any other protocol.
 */
export function automatonSpecs(honest: HonestProtocol | string, adversary: Adversary | string, scenario: Scenario, episodes: number, seed: number): Record<string, SpecResult> | undefined {
  if (typeof honest !== 'string' || !isAutomatonOrMutantName(honest)) return undefined;
  // A guard mutant is an automaton too (fromAutomaton on the mutated file): its specifications are the file's.
  const protocol = getProtocol(honest) as AutomatonProtocol;
  return checkSpecifications({ scenario, protocol, adversary: typeof adversary === 'string' ? getAdversary(adversary, scenario) : adversary, episodes, seed });
}

/** The specifications as a table under a header. */
export function formatSpecs(specs: Record<string, SpecResult>, episodes: number): string {
  const rows = Object.entries(specs).map(([name, s]) => `  ${name.padEnd(16)} ${s.kind.padEnd(9)} ${s.holds ? 'holds' : `violated in ${s.violations} of ${episodes} episodes (first: episode ${s.firstViolation})`}`);
  return `\nthe file's specifications (safety exactly on each run; liveness within the horizon):\n${rows.join('\n')}\n`;
}
