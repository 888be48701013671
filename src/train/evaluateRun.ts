/**
 * Evaluates a saved run's learned honest policy (greedy) against an adversary: a registry name, a
 * run folder's learned adversary, or (default) the run's own opponent.
 */
import { play, type PlayResult } from '../play/play.js';
import { NeuralProtocol } from '../policy/NeuralProtocol.js';
import { ready } from '../policy/tf.js';
import { paths, readJson } from './runFolder.js';
import { frozenAdversary, loadRunPolicy } from './runPolicy.js';

export interface EvaluateRunOptions {
  run: string;
  adversary?: string;
  episodes: number;
  seed?: number;
}

export async function evaluateRun(options: EvaluateRunOptions): Promise<PlayResult & { run: string }> {
  await ready();
  const config = readJson<{ adversary: string }>(paths(options.run).config, `run ${options.run}`);
  const { network, scenario } = loadRunPolicy(options.run, 'honest');
  const honest = new NeuralProtocol(network, scenario, 'greedy', `run:${options.run}`);
  const adversaryName = options.adversary ?? (config.adversary === 'learned' ? options.run : config.adversary);
  const adversary = frozenAdversary(adversaryName, scenario);
  try {
    return { run: options.run, ...play({ scenario, honest, adversary, episodes: options.episodes, seed: options.seed ?? 12345 }) };
  } finally {
    network.dispose();
  }
}
