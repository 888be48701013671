/**
 * The learning algorithms the trainer can run, by name: what each needs of a network and how it
 * updates one from an epoch's recorded decisions. The algorithms themselves are one file each
 * (reinforce.ts, ppo.ts), readable top to bottom; the trainer only looks them up here.
 */
import type { PolicyNetwork } from '../policy/PolicyNetwork.js';
import type { TrainConfig } from './config.js';
import type { Algo } from './names.js';
import { ppoUpdate } from './ppo.js';
import { reinforceUpdate } from './reinforce.js';
import type { SideStorage } from './rollout.js';
import type { UpdateStats } from './storageTensors.js';

export interface Learner {
  /** Whether the networks need a value head under this config. */
  needsValueHead(config: TrainConfig): boolean;
  /**
   * Whether the rollout records the acting policy's values and log-probabilities of its choices (the
   * update starts from them; without them it computes nothing of the kind).
   */
  recordsValues: boolean;
  /** Episodes per group sharing one chance outcome in the rollout (1: independent episodes). */
  groupSize(config: TrainConfig): number;
  /**
   * One update of `network` from `storage` and each episode's return. `updateSeed` seeds the
   * algorithm's own randomness (minibatch shuffles), distinct per run, epoch and side.
   */
  update(network: PolicyNetwork, storage: SideStorage, returns: Float64Array, config: TrainConfig, updateSeed: number): UpdateStats;
}

export const LEARNERS: Readonly<Record<Algo, Learner>> = {
  reinforce: {
    needsValueHead: (config) => config.reinforce.baseline === 'value',
    recordsValues: false,
    groupSize: (config) => config.reinforce.groupSize,
    update: (network, storage, returns, config) => reinforceUpdate(network, storage, returns, config.reinforce),
  },
  ppo: {
    needsValueHead: () => true,
    recordsValues: true,
    groupSize: () => 1,
    // The majority loss is the honest network's (its head); an adversary network learns without it.
    update: (network, storage, returns, config, updateSeed) =>
      ppoUpdate(network, storage, returns, updateSeed, network.spec.majorityHead ? config.ppo : { ...config.ppo, majorityCoef: 0 }),
  },
};
