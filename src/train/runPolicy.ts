/**
 * A run folder's learned sides as players: where a command or a schedule asks for a protocol or an
 * adversary, a run folder stands for its latest checkpoint's network (greedy unless asked to sample).
 */
import { existsSync } from 'node:fs';
import { loadScenario } from '../game/loadScenario.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { NeuralAdversary } from '../policy/NeuralAdversary.js';
import { NeuralProtocol, type PolicyMode } from '../policy/NeuralProtocol.js';
import { PolicyNetwork } from '../policy/PolicyNetwork.js';
import { getAdversary, getProtocol } from '../protocols/registry.js';
import { paths, readCheckpoint, readJson } from './runFolder.js';

/** A saved side of a run folder (its latest checkpoint), or undefined if the run has none. */
export function loadRunPolicy(dir: string, side: 'honest' | 'adversary'): { network: PolicyNetwork; scenario: Scenario } {
  const checkpoint = readCheckpoint(dir);
  const saved = checkpoint?.[side];
  if (!saved) throw new RangeError(`run ${dir}: has no learned ${side} policy in checkpoints/latest.json`);
  const config = readJson<{ scenario: Record<string, unknown> }>(paths(dir).config, `run ${dir}`);
  return { network: PolicyNetwork.fromJSON(saved), scenario: loadScenario(config.scenario) };
}

export const isRunFolder = (name: string): boolean => existsSync(paths(name).config);

/** A frozen honest side: a registry protocol, or a run folder's learned policy (greedy unless `mode` says sample). */
export function frozenHonest(name: string, scenario: Scenario, mode: PolicyMode = 'greedy'): HonestProtocol {
  if (isRunFolder(name)) return new NeuralProtocol(loadRunPolicy(name, 'honest').network, scenario, mode, `run:${name}`);
  return getProtocol(name, scenario);
}

/** A frozen adversary: a registry adversary, or a run folder's learned adversary (greedy). */
export function frozenAdversary(name: string, scenario: Scenario): Adversary {
  if (isRunFolder(name)) return new NeuralAdversary(loadRunPolicy(name, 'adversary').network, scenario, 'greedy', `run:${name}`);
  return getAdversary(name, scenario);
}
