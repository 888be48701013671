/**
 * `snowflake`: Slush plus a confidence counter — commit once beta consecutive samples in a row
 * held an alpha-majority for the current preference.
 *
 * Source: Team Rocket, "Snowflake to Avalanche: A Novel Metastable Consensus Protocol Family for
 * Cryptocurrencies" (2018/2019), §2.2 (Snowflake, Figure 2): on a sample with ≥ alpha answers for
 * a value: if it differs from the preference, flip to it and set the counter to 1, else increment
 * the counter; accept once counter ≥ beta; a sample without an alpha-majority resets the counter.
 *
 * Horizon rule (ours, option `commitAtHorizon`, default on): in round R an agent that has not
 * accepted commits its preference anyway. Without it an episode with a finite horizon could never
 * be judged live; with it the protocol degrades to Slush for the agents beta did not reach.
 *
 * Assumptions: agreement; f = 0 or f small against n (safety is probabilistic: an agent accepts on
 * local evidence, so disagreement has a small probability shrinking in beta); `sampling` action
 * space. A sample taken in round r is read in round r+1; no query is taken in round R.
 *
 * Memory: slot 0 = the confidence counter.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { adoptFromSample, checkAlpha, majorityThreshold } from './slush.js';
import type { HonestProtocol } from './types.js';

export interface SnowflakeOptions {
  /** Flip threshold: answers out of k needed (default ⌊k/2⌋+1, a strict majority). */
  alpha?: number;
  /** Consecutive alpha-majorities for the preference needed to commit (default 5). */
  beta?: number;
  /** Commit the preference in round R if beta was not reached (default true). */
  commitAtHorizon?: boolean;
}

/**
 * Default beta, measured on `slush-n10` (n=10, k=3, R=16, 200,000 episodes, seed 1, win rate / mean
 * rounds): beta 4: 0.911 / 10.8, 5: 0.954 / 11.9, 6: 0.966 / 12.8, 7: 0.972 / 13.5, 8: 0.974 / 14.0,
 * 10: 0.975 / 15.0; Slush alone (the horizon rule's ceiling) 0.975. Eight is the smallest beta within
 * 0.2 points of that ceiling. The ceiling is low because in the `sampling` space R=16 rounds make
 * only 8 Slush steps (see slush.ts); at R=32 beta=8 agrees in 99.5%.
 */
export const DEFAULT_BETA = 8;

const COUNTER = 0;

export function createSnowflake(options: SnowflakeOptions = {}): HonestProtocol {
  const { alpha } = options;
  const beta = options.beta ?? DEFAULT_BETA;
  const commitAtHorizon = options.commitAtHorizon ?? true;
  if (alpha !== undefined && !(Number.isInteger(alpha) && alpha >= 1)) throw new RangeError(`snowflake: alpha must be a positive integer (got ${alpha})`);
  if (!(Number.isInteger(beta) && beta >= 1)) throw new RangeError(`snowflake: beta must be a positive integer (got ${beta})`);
  const counts = new Int32Array(4); // values ≤ 4
  return {
    name: 'snowflake',
    summary: `Slush with a confidence counter: commit after beta=${beta} consecutive alpha-majorities for the preference${commitAtHorizon ? ', or at the horizon' : ''}`,
    assumptions: 'agreement, sampling actions; probabilistic: agreement with high probability for f = 0 (or f small against n), failure probability shrinking in beta',
    source: 'Team Rocket 2018, "Snowflake to Avalanche", §2.2 Snowflake',
    memorySlots: 1,
    refuse(scenario: Scenario): string | undefined {
      if (scenario.honestActions !== 'sampling') return `snowflake: needs honestActions=sampling (got ${scenario.honestActions})`;
      if (scenario.problem !== 'agreement') return `snowflake: needs problem=agreement (got ${scenario.problem})`;
      return checkAlpha('snowflake', alpha, scenario.sampleSize);
    },
    act(game: GameBatch, out: HonestActions): void {
      const { n, round, maxRounds: R, memory, memorySlots: slots } = game;
      const threshold = alpha ?? majorityThreshold(game.sampleSize);
      for (let b = 0; b < game.size; b++) {
        for (let i = 0; i < n; i++) {
          if (!game.needsAction(b, i)) continue;
          const a = b * n + i;
          if (game.decisionRound[a] !== 0) continue; // accepted (afterCommit=continue): its preference still answers samples
          const m = a * slots;
          let preference = game.preference[a]!;
          if (round > 1) {
            const adopted = adoptFromSample(game, b, i, round - 1, threshold, counts, out);
            if (adopted < 0) memory[m + COUNTER] = 0;
            else if (adopted !== preference) {
              preference = adopted;
              memory[m + COUNTER] = 1;
            } else memory[m + COUNTER]! += 1;
          }
          if (memory[m + COUNTER]! >= beta || (round === R && commitAtHorizon)) out.decision[a] = preference;
          else if (round < R) out.query[a] = 1;
        }
      }
    },
  };
}

export const snowflakeProtocol: HonestProtocol = createSnowflake();
