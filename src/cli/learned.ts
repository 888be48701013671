/**
 * A run folder where a command asks for a protocol or an adversary: its learned side (greedy), or
 * the name itself for the registry. The training layer is imported only for a run folder: it loads
 * TensorFlow.js, which every other use of `cgym` need not pay for.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../game/loadScenario.js';
import { FileTooLargeError, MAX_TEXT_FILE_BYTES, readTextFileCapped } from '../game/readTextFileCapped.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { ADVERSARIES, PROTOCOLS } from '../protocols/registry.js';

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
 * Whether `name`, given where a protocol (or adversary) or a run folder may stand, is a run folder;
 * a run folder's config.json is checked here. A name that is neither a registry entry nor a folder
 * is left to the registry's "unknown protocol" message, unless it looks like a path (a `/`), which
 * is a missing run folder.
 */
export function isRunName(name: string, side: 'honest' | 'adversary'): boolean {
  if (isRunFolder(name)) {
    readRunConfig(name);
    return true;
  }
  const registry: ReadonlyArray<{ name: string }> = side === 'honest' ? PROTOCOLS : ADVERSARIES;
  if (registry.some((entry) => entry.name === name)) return false;
  if (name.includes('/') || existsSync(name)) readRunConfig(name); // throws: not a run folder, and not a registry name either
  return false;
}

/** How a run's learned honest policy plays: its most likely action (deterministic), or sampled. */
export type LearnedPlay = 'greedy' | 'sample';

export async function learnedOr(name: string, side: 'honest', scenario: Scenario, play?: LearnedPlay): Promise<HonestProtocol | string>;
export async function learnedOr(name: string, side: 'adversary', scenario: Scenario): Promise<Adversary | string>;
export async function learnedOr(name: string, side: 'honest' | 'adversary', scenario: Scenario, play: LearnedPlay = 'greedy'): Promise<HonestProtocol | Adversary | string> {
  if (!isRunName(name, side)) return name;
  const [{ frozenHonest, frozenAdversary }, { ready }] = await Promise.all([import('../train/runPolicy.js'), import('../policy/tf.js')]);
  await ready(); // the TensorFlow.js backend must be up before a network is built
  return side === 'honest' ? frozenHonest(name, scenario, play) : frozenAdversary(name, scenario);
}

/** The raw scenario a run was trained on (from its config.json), for commands given only `--run`. */
export function runScenario(dir: string): Record<string, unknown> {
  const { scenario } = readRunConfig(dir);
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) throw new RangeError(`run ${dir}: config.json has no scenario`);
  return scenario as Record<string, unknown>;
}

/**
 * The honest side and scenario of a command that takes `--run DIR` or `--honest P|DIR` and an
 * optional `--scenario` (a run folder brings its own scenario; a protocol name needs one).
 */
export async function honestAndScenario(
  command: string,
  options: { run?: string | null; honest?: string | null; scenario?: string | Record<string, unknown> | null; set?: readonly string[]; play?: LearnedPlay },
): Promise<{ honest: HonestProtocol | string; scenario: Scenario }> {
  const run = options.run ?? undefined;
  const given = options.honest ?? undefined;
  const name = run ?? given;
  if (name === undefined) throw new RangeError(`${command}: needs --honest <protocol|run> or --run <dir>`);
  if (run !== undefined && given !== undefined) throw new RangeError(`${command}: give --honest or --run, not both`);
  // --run takes only a run folder; --honest a protocol or a run folder.
  const isRun = run !== undefined ? (readRunConfig(run), true) : isRunName(name, 'honest');
  let raw: string | Record<string, unknown>;
  if (options.scenario !== undefined && options.scenario !== null) raw = options.scenario;
  else if (isRun) raw = runScenario(name);
  else throw new RangeError(`${command}: needs --scenario (only a run folder brings its own)`);
  const scenario = loadScenario(raw, options.set ?? []);
  if (options.play === 'sample' && !isRun) throw new RangeError(`${command}: --play sample applies to a run folder's learned policy (got ${name})`);
  return { honest: await learnedOr(name, 'honest', scenario, options.play), scenario };
}
