/**
 * A run folder's learned sides as players: where a command or a schedule asks for a protocol or an
 * adversary, a run folder stands for its best evaluated network where it kept one, else its latest
 * checkpoint's (greedy unless asked to sample).
 */
import { existsSync } from 'node:fs';
import { loadScenario } from '../game/loadScenario.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { NeuralAdversary } from '../policy/NeuralAdversary.js';
import { NeuralProtocol, type PolicyMode } from '../policy/NeuralProtocol.js';
import { PolicyNetwork, type SavedPolicy } from '../policy/PolicyNetwork.js';
import { ADVERSARIES, getAdversary, getProtocol, PROTOCOLS } from '../protocols/registry.js';
import { isAutomatonOrMutantName } from '../protocols/thresholdAutomaton/protocol.js';
import { paths, readCheckpoint, readJson } from './runFolder.js';

/**
 * The saved policy a run folder stands for on one side: its best evaluated one where the run kept
 * it (config keepBest), else its latest checkpoint's; a RangeError if the run has none.
 */
export function runPolicyJSON(dir: string, side: 'honest' | 'adversary'): SavedPolicy {
  if (!existsSync(dir)) throw new RangeError(`no such run folder: ${dir}`);
  const checkpoint = readCheckpoint(dir);
  const saved = checkpoint?.best?.side === side ? checkpoint.best.policy : checkpoint?.[side];
  if (!saved) throw new RangeError(`run ${dir}: has no learned ${side} policy in checkpoints/latest.json`);
  return saved;
}

/** A run folder's side as a network (runPolicyJSON), with the run's scenario. */
export function loadRunPolicy(dir: string, side: 'honest' | 'adversary'): { network: PolicyNetwork; scenario: Scenario } {
  const saved = runPolicyJSON(dir, side);
  const config = readJson<{ scenario: Record<string, unknown> }>(paths(dir).config, `run ${dir}`);
  return { network: PolicyNetwork.fromJSON(saved), scenario: loadScenario(config.scenario) };
}

export const isRunFolder = (name: string): boolean => existsSync(paths(name).config);

/**
 * Whether `name`, where a registry entry or a run folder may stand, is the run folder: a path with
 * a `/` always is (a missing one is named as such), a registry name never is (`./majority` is the folder beside it), any other name
 * is if it holds a run. The command line applies the same rule (cli/learned.ts).
 */
function namesRun(name: string, registry: ReadonlyArray<{ name: string }>): boolean {
  if (registry === PROTOCOLS && isAutomatonOrMutantName(name)) return false; // a threshold automaton file (FILE.ta) or its guard mutant, not a run
  if (name.includes('/')) return true; // a path: loadRunPolicy names it if it is missing
  return !registry.some((entry) => entry.name === name) && isRunFolder(name);
}

/** A run folder's learned honest policy, greedy unless `mode` says sample. */
export function learnedHonest(dir: string, scenario: Scenario, mode: PolicyMode = 'greedy'): HonestProtocol {
  return new NeuralProtocol(loadRunPolicy(dir, 'honest').network, scenario, mode, `run:${dir}`);
}

/** A run folder's learned adversary (greedy). */
export function learnedAdversary(dir: string, scenario: Scenario): Adversary {
  return new NeuralAdversary(loadRunPolicy(dir, 'adversary').network, scenario, 'greedy', `run:${dir}`);
}

/** A frozen honest side: a registry protocol, or a run folder's learned policy (greedy unless `mode` says sample). */
export function frozenHonest(name: string, scenario: Scenario, mode: PolicyMode = 'greedy'): HonestProtocol {
  return namesRun(name, PROTOCOLS) ? learnedHonest(name, scenario, mode) : getProtocol(name, scenario);
}

/** A frozen adversary: a registry adversary, or a run folder's learned adversary (greedy). */
export function frozenAdversary(name: string, scenario: Scenario): Adversary {
  return namesRun(name, ADVERSARIES) ? learnedAdversary(name, scenario) : getAdversary(name, scenario);
}
