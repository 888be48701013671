// A small, fast training run shared by the tests (the child process uses it too).
import type { TrainOptions } from '../../src/train/train.js';
import { verify } from '../../src/verify/verify.js';

export const SMALL_RUN: Omit<TrainOptions, 'out'> = {
  scenario: 'byzantine-breaking',
  schedule: 'simultaneous',
  epochs: 12,
  batch: 64,
  seed: 9,
  evalEvery: 4,
  evalEpisodes: 200,
  finalEpisodes: 200,
};

/** The same, under the league schedule: snapshots every 3 epochs, 2 kept, the latest drawn 1 time in 3. */
export const LEAGUE_RUN: Omit<TrainOptions, 'out'> = {
  ...SMALL_RUN,
  schedule: 'league',
  league: { poolSize: 2, snapshotEvery: 3, latestShare: 1 / 3 },
};

/**
 * Counterexample-guided: the honest side learns against a silent adversary plus the attacks of a
 * verification every 2 epochs (every covered chance outcome plays one).
 */
export const COUNTEREXAMPLE_RUN: Omit<TrainOptions, 'out'> = {
  ...SMALL_RUN,
  schedule: 'honest',
  adversary: 'silent',
  epochs: 8,
  counterexamples: { share: 1 },
  verifyEvery: 2,
  verify: (scenario, honest, maxStates) => {
    const result = verify({ scenario, honest, maxStates });
    return { worstCaseLoss: result.worstCaseLossRate, attacks: result.verdict === 'unsafe' ? result.attacks : [] };
  },
};
