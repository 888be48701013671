/**
 * `slush-tracking`: `slush-early-commit`, plus an unsure agent that follows who answered what. It is
 * the protocol that shows what `slush-3v2`'s missing percent needs: identities, which the learned
 * policies' observation (counts of a sample's answers, GAME.md §7) does not carry.
 *
 * Source: ours (consensus-gym), on top of Team Rocket, "Snowflake to Avalanche" (2018), §2.1 Slush.
 *
 * Setting: n odd, k = n − 2, two values, every agent samples in round 1. The first sample is taken
 * before anyone has updated, so agent i knows its own input and the k inputs it heard: all inputs
 * but one, the agent d it did not hear. If those n − 1 inputs hold a strict majority, i is sure
 * (`slush-early-commit`'s round-2 commit). If not they split evenly, and the majority is d's input.
 *
 * Two facts of round 1 make d's input readable (with k = n − 2 and two values):
 * - An agent whose sample kept its own input heard ⌊k/2⌋+1 copies of it, so with its own that is
 *   ⌊n/2⌋+1: it is sure, and its input is the majority. So when a round-2 answer of an agent j whose
 *   input i heard in round 1 is that same input, that input is the majority.
 * - An agent that is not sure was therefore outvoted: its preference in round 2 is the opposite of
 *   its input. Sure agents commit in round 2 and, deciding their preference, never change it again.
 *   So when d answers i's round-2 sample with a2 and a later sample with something else, d was not
 *   sure, its input is 1 − a2, and that is the majority.
 * Either way i is certain and commits at once; in the `slush` space its decision becomes its
 * preference (GAME.md reading §10.14), so the samples the others take pull Slush to it. Agents that
 * learn nothing sample on and commit their preference at round R, as Slush does.
 *
 * Every commit before round R is the majority, whatever the draws (tested). The loss left is in the
 * episodes where nobody is sure after round 1 (9/128 at `slush-3v2`) and nobody reads d in time.
 *
 * Assumptions: agreement, the `slush` action space, f = 0 (a Byzantine answer could fake either
 * fact), two values, n odd, k = n − 2, R ≥ 3. Memory: none (the samples stay in the agent's view).
 */
import { NO_ANSWER } from '../game/actions.js';
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { actOnKnownMajority, provenMajority, refuseSlushSure } from './slushEarlyCommit.js';
import type { HonestProtocol } from './types.js';

/** The majority as agent i reads it off who answered what (rounds 2..r−1), or -1 if not certain yet. */
export function trackedMajority(game: GameBatch, b: number, i: number): number {
  const { n, round } = game;
  if (round < 3 || !game.sampled(b, i, 1) || !game.sampled(b, i, 2)) return -1;
  let unheard = -1;
  for (let j = 0; j < n; j++) if (j !== i && game.sampleAnswerFrom(b, i, 1, j) === NO_ANSWER) unheard = j;
  let unheardInRound2 = NO_ANSWER;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const now = game.sampleAnswerFrom(b, i, 2, j);
    if (now === NO_ANSWER) continue;
    if (j === unheard) unheardInRound2 = now;
    else if (now === game.sampleAnswerFrom(b, i, 1, j)) return now; // j kept its input: j was sure
  }
  if (unheardInRound2 === NO_ANSWER) return -1;
  for (let s = 3; s < round; s++) {
    if (!game.sampled(b, i, s)) continue;
    const later = game.sampleAnswerFrom(b, i, s, unheard);
    if (later !== NO_ANSWER && later !== unheardInRound2) return 1 - unheardInRound2; // the unheard agent moved: it was not sure
  }
  return -1;
}

export function createSlushTracking(): HonestProtocol {
  const counts = new Int32Array(4); // values ≤ 4
  return {
    name: 'slush-tracking',
    summary: 'slush-early-commit, plus: an unsure agent knows every input but one (k = n−2) and commits the majority once the answers of who it sampled reveal that one',
    assumptions: 'agreement, slush actions, f = 0, two values, n odd, sampleSize = n − 2; probabilistic: every commit before the horizon is the majority, the rest agree with high probability',
    source: 'ours, on Team Rocket 2018, "Snowflake to Avalanche", §2.1 Slush',
    memorySlots: 0,
    refuse(scenario: Scenario): string | undefined {
      const family = refuseSlushSure('slush-tracking', scenario, 3);
      if (family) return family;
      if (scenario.values !== 2) return `slush-tracking: needs values=2 (got ${scenario.values})`;
      if (scenario.n % 2 === 0) return `slush-tracking: needs an odd n, so that the inputs have a strict majority (got n=${scenario.n})`;
      if (scenario.sampleSize !== scenario.n - 2) return `slush-tracking: needs sampleSize = n − 2 = ${scenario.n - 2}, so that the first sample leaves one input unheard (got ${scenario.sampleSize})`;
      return undefined;
    },
    act(game: GameBatch, out: HonestActions): void {
      actOnKnownMajority(game, out, (b, i) => {
        const proven = game.round >= 2 ? provenMajority(game, b, i, counts) : -1;
        return proven >= 0 ? proven : trackedMajority(game, b, i);
      });
    },
  };
}

export const slushTrackingProtocol: HonestProtocol = createSlushTracking();
