/**
 * A run folder where a command asks for a protocol or an adversary: its learned side (greedy), or
 * the name itself for the registry. The training layer is imported only for a run folder: it loads
 * TensorFlow.js, which every other use of `cgym` need not pay for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../game/loadScenario.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';

export const isRunFolder = (name: string): boolean => existsSync(join(name, 'config.json'));

/** How a run's learned honest policy plays: its most likely action (deterministic), or sampled. */
export type LearnedPlay = 'greedy' | 'sample';

export async function learnedOr(name: string, side: 'honest', scenario: Scenario, play?: LearnedPlay): Promise<HonestProtocol | string>;
export async function learnedOr(name: string, side: 'adversary', scenario: Scenario): Promise<Adversary | string>;
export async function learnedOr(name: string, side: 'honest' | 'adversary', scenario: Scenario, play: LearnedPlay = 'greedy'): Promise<HonestProtocol | Adversary | string> {
  if (!isRunFolder(name)) return name;
  const [{ frozenHonest, frozenAdversary }, { ready }] = await Promise.all([import('../train/runPolicy.js'), import('../policy/tf.js')]);
  await ready(); // the TensorFlow.js backend must be up before a network is built
  return side === 'honest' ? frozenHonest(name, scenario, play) : frozenAdversary(name, scenario);
}

/** The raw scenario a run was trained on (from its config.json), for commands given only `--run`. */
export function runScenario(dir: string): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { scenario?: Record<string, unknown> };
  if (!config.scenario) throw new RangeError(`run ${dir}: config.json has no scenario`);
  return config.scenario;
}

/**
 * The honest side and scenario of a command that takes `--run DIR` or `--honest P|DIR` and an
 * optional `--scenario` (a run folder brings its own scenario; a protocol name needs one).
 */
export async function honestAndScenario(command: string, flags: { run?: string; honest?: string; scenario?: string; set?: string[]; play?: LearnedPlay }): Promise<{ honest: HonestProtocol | string; scenario: Scenario }> {
  const name = flags.run ?? flags.honest;
  if (name === undefined) throw new RangeError(`${command}: needs --honest <protocol|run> or --run <dir>`);
  if (flags.run !== undefined && flags.honest !== undefined) throw new RangeError(`${command}: give --honest or --run, not both`);
  let raw: string | Record<string, unknown>;
  if (flags.scenario !== undefined) raw = flags.scenario;
  else if (isRunFolder(name)) raw = runScenario(name);
  else throw new RangeError(`${command}: needs --scenario (only a run folder brings its own)`);
  const scenario = loadScenario(raw, flags.set ?? []);
  if (flags.play === 'sample' && !isRunFolder(name)) throw new RangeError(`${command}: --play sample applies to a run folder's learned policy (got ${name})`);
  return { honest: await learnedOr(name, 'honest', scenario, flags.play), scenario };
}
