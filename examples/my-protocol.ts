/**
 * `flood-min`: FloodSet for crash faults (Lynch, *Distributed Algorithms*, 1996, §6.2), with the
 * minimum as the decision rule.
 *
 * Every agent broadcasts the smallest value it knows (its input, or anything it has heard) in
 * rounds 1..f+1, then commits that minimum in round f+2. With at most f crashes, one of those
 * f+1 rounds has no crash, and after it every live agent knows the same minimum.
 * Correct under crash faults in sync timing with maxRounds ≥ f+2; a Byzantine agent breaks it at
 * once (it can tell different agents different minima in the last sending round).
 */
import type { GameBatch, HonestActions, HonestProtocol, Scenario } from '../src/index.js';
// In your own project: import type { … } from 'consensus-gym';

/** The smallest value agent i knows at the start of this round: its input and everything received. */
function minimumKnown(game: GameBatch, b: number, i: number): number {
  const counts = new Int32Array(game.values);
  // countReceived is the anonymous view (how many of each value arrived): the minimum needs no more.
  for (let s = 1; s < game.round; s++) game.countReceived(b, i, s, counts);
  let minimum = game.input[b * game.n + i]!;
  for (let v = 0; v < minimum; v++) if (counts[v]! > 0) return v;
  return minimum;
}

export const floodMin: HonestProtocol = {
  name: 'flood-min',
  summary: 'broadcast the smallest value known for f+1 rounds, then commit it',
  assumptions: 'crash faults, sync timing, maxRounds ≥ f+2 (any n > f)',
  source: 'FloodSet, Lynch, Distributed Algorithms (1996) §6.2',
  memorySlots: 0,

  refuse(scenario: Scenario): string | undefined {
    if (scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
      return `flood-min: needs honestActions free or relay to send any value (got ${scenario.honestActions})`;
    if (scenario.problem === 'interactive-consistency') return 'flood-min: decides one value, not a vector (got problem=interactive-consistency)';
    if (scenario.maxRounds < scenario.f + 2) return `flood-min: needs maxRounds ≥ f+2 (got maxRounds=${scenario.maxRounds}, f=${scenario.f})`;
    return undefined;
  },

  act(game: GameBatch, out: HonestActions): void {
    const lastSendingRound = game.f + 1;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < game.n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * game.n + i;
        const minimum = minimumKnown(game, b, i);
        if (game.round <= lastSendingRound) out.message[a] = minimum;
        else if (game.decisionRound[a] === 0) out.decision[a] = minimum;
      }
    }
  },
};
