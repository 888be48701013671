/**
 * The value most honest agents hold as their input (the plurality of the honest inputs), or −1
 * where two or more values tie for it: what the judge's majority-correct objective asks the honest
 * agents to commit (GAME.md §8), as one value per episode.
 *
 * A learner may be asked to predict it from an agent's observation (train/majorityTargets.ts): a
 * privileged target, known to the judge and not to the agent, that only shapes what the network
 * learns to represent; the policy never reads it.
 */
import type { GameBatch } from './GameBatch.js';

/** Episode slot b's honest input plurality, or −1 on a tie. `tally`: scratch of at least `values` numbers. */
export function honestInputPlurality(game: GameBatch, b: number, tally: Int32Array = new Int32Array(game.scenario.values)): number {
  const { n, values } = game.scenario;
  tally.fill(0, 0, values);
  for (let i = 0; i < n; i++) if (!game.faulty[b * n + i]) tally[game.input[b * n + i]!]! += 1;
  let top = -1;
  let tied = false;
  for (let v = 0; v < values; v++) {
    if (top < 0 || tally[v]! > tally[top]!) {
      top = v;
      tied = false;
    } else if (tally[v] === tally[top]) tied = true;
  }
  return tied ? -1 : top;
}
