/**
 * `slush`: Slush, the first protocol of the Avalanche family — repeatedly sample k others and
 * adopt the value held by at least alpha of them; commit whatever you prefer at the horizon.
 *
 * Source: Team Rocket, "Snowflake to Avalanche: A Novel Metastable Consensus Protocol Family for
 * Cryptocurrencies" (2018), §2.1 (Slush) — parameters k (sample size), alpha (flip threshold,
 * k/2 < alpha ≤ k) and m (rounds of sampling; here m = R − 1, the last round commits).
 *
 * Assumptions: agreement on a value domain, no or few Byzantine agents (the paper's guarantees are
 * probabilistic and need f small against n); no message ever carries a proof, so safety holds
 * only with high probability, growing with n and m. A crashed agent answers no sample.
 *
 * | action space | rounds 1..R−1 | round R |
 * |---|---|---|
 * | `slush` | sample k (the engine applies the flip rule with alpha = ⌊k/2⌋+1) | commit the preference |
 * | `sampling` | sample k; from round 2 on, adopt a value held by ≥ alpha of last round's sample | adopt as before, commit the adopted value |
 *
 * In `sampling` a sample taken in round r answers with the preferences held at the start of round r
 * and is read in round r+1, so the preference after round r is Slush's update of the preferences
 * after round r−2: two interleaved chains, and R rounds make only ⌊R/2⌋ Slush steps (at n=10, k=3:
 * R=16 agrees in 97.5% of episodes, as 8 steps of the exact chain predict, against 99.95% in the
 * `slush` space). No query is taken in round R: its answers would never be read. Memory: none.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol } from './types.js';
import { clearCounts } from './plurality.js';

export interface SlushOptions {
  /** Flip threshold: answers out of k needed to adopt a value (default ⌊k/2⌋+1, a strict majority). */
  alpha?: number;
}

/** The default flip threshold for a sample of k: a strict majority. */
export const majorityThreshold = (k: number): number => Math.floor(k / 2) + 1;

/** Why alpha cannot be used with sample size k (Slush needs k/2 < alpha ≤ k), or undefined. */
export function checkAlpha(name: string, alpha: number | undefined, k: number): string | undefined {
  if (alpha === undefined) return undefined;
  if (!(2 * alpha > k && alpha <= k)) return `${name}: needs k/2 < alpha ≤ k (got alpha=${alpha}, k=${k})`;
  return undefined;
}

/**
 * Writes into `out.preference` the value held by ≥ alpha of agent i's round-s sample, if any;
 * returns it, or -1 when no value reaches alpha. `counts` is the caller's scratch (length ≥ V).
 */
export function adoptFromSample(game: GameBatch, b: number, i: number, s: number, alpha: number, counts: Int32Array, out: HonestActions): number {
  clearCounts(counts, game.values);
  game.countSample(b, i, s, counts);
  // alpha > k/2, so at most one value can reach it.
  for (let v = 0; v < game.values; v++) {
    if (counts[v]! >= alpha) {
      out.preference[b * game.n + i] = v;
      return v;
    }
  }
  return -1;
}

export function createSlush(options: SlushOptions = {}): HonestProtocol {
  const { alpha } = options;
  if (alpha !== undefined && !(Number.isInteger(alpha) && alpha >= 1)) throw new RangeError(`slush: alpha must be a positive integer (got ${alpha})`);
  const counts = new Int32Array(4); // values ≤ 4
  return {
    name: 'slush',
    summary: `sample k others each round, adopt a value held by ≥ alpha${alpha === undefined ? '' : `=${alpha}`} of them, commit the preference at the horizon`,
    assumptions: 'agreement; probabilistic: agreement with high probability for f = 0 (or f small against n), better with more rounds',
    source: 'Team Rocket 2018, "Snowflake to Avalanche", §2.1 Slush',
    memorySlots: 0,
    refuse(scenario: Scenario): string | undefined {
      if (scenario.honestActions !== 'slush' && scenario.honestActions !== 'sampling')
        return `slush: needs honestActions slush or sampling (got ${scenario.honestActions})`;
      if (scenario.problem !== 'agreement') return `slush: needs problem=agreement (got ${scenario.problem})`;
      const k = scenario.sampleSize;
      if (scenario.honestActions === 'slush' && alpha !== undefined && alpha !== majorityThreshold(k))
        return `slush: alpha=${alpha} needs honestActions=sampling (the slush action space applies alpha=⌊k/2⌋+1=${majorityThreshold(k)} itself)`;
      return checkAlpha('slush', alpha, k);
    },
    act(game: GameBatch, out: HonestActions): void {
      const { n, round, maxRounds: R } = game;
      const sampling = game.scenario.honestActions === 'sampling';
      const threshold = alpha ?? majorityThreshold(game.sampleSize);
      for (let b = 0; b < game.size; b++) {
        for (let i = 0; i < n; i++) {
          if (!game.needsAction(b, i)) continue;
          const a = b * n + i;
          if (game.decisionRound[a] !== 0) continue; // decided (afterCommit=continue): its preference still answers samples
          let preference = game.preference[a]!;
          if (sampling && round > 1) {
            const adopted = adoptFromSample(game, b, i, round - 1, threshold, counts, out);
            if (adopted >= 0) preference = adopted;
          }
          if (round < R) out.query[a] = 1;
          else out.decision[a] = preference;
        }
      }
    },
  };
}

export const slushProtocol: HonestProtocol = createSlush();
