/**
 * Networks shaped for a scenario: the honest side's (rows = agents, GAME.md §7 observation, the
 * honest action heads) and the adversary's (rows = episodes, game/adversarySpace.ts).
 */
import { ActionSpace } from '../game/actionSpace.js';
import { AdversarySpace } from '../game/adversarySpace.js';
import { Observer } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';
import { PolicyNetwork } from './PolicyNetwork.js';

export interface NetworkOptions {
  /** Hidden layer sizes (default [16, 8], the seed paper's). */
  hidden?: readonly number[];
  /** Add a value head (default false). */
  value?: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
  /**
   * Honest side: initial logit of every commit option (default 0: uniform heads). Negative values
   * start patient (mostly send / wait). Tried on honest-consensus at −1, −2, −3: it delays the
   * commits but did not avoid the seed paper's local optimum (everyone commits a constant, 87.5%).
   */
  commitBias?: number;
}

/** Heads whose options ≥ 1 commit: paper's and slush's single head, `decision`, `commit`. */
const COMMIT_HEADS = new Set(['action', 'decision', 'commit']);

export const DEFAULT_HIDDEN: readonly number[] = [16, 8];
export const DEFAULT_COMMIT_BIAS = 0;

export function honestNetwork(scenario: Scenario, options: NetworkOptions): PolicyNetwork {
  const space = new ActionSpace(scenario);
  const commitBias = options.commitBias ?? DEFAULT_COMMIT_BIAS;
  const initialBias = new Array<number>(space.maskWidth).fill(0);
  for (const head of space.heads) if (COMMIT_HEADS.has(head.name)) for (let c = 1; c < head.size; c++) initialBias[head.offset + c] = commitBias;
  return new PolicyNetwork({ obsSize: new Observer(scenario).size, heads: space.heads, hidden: options.hidden ?? DEFAULT_HIDDEN, value: options.value ?? false, seed: options.seed, initialBias });
}

export function adversaryNetwork(scenario: Scenario, options: NetworkOptions): PolicyNetwork {
  const space = new AdversarySpace(scenario);
  return new PolicyNetwork({ obsSize: space.obsSize, heads: space.heads, hidden: options.hidden ?? DEFAULT_HIDDEN, value: options.value ?? false, seed: options.seed });
}
