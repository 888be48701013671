/**
 * `floodset`: FloodSet for crash faults (Lynch, *Distributed Algorithms*, 1996, §6.2), the classic
 * protocol `cgym discover` measures a learned crash protocol against.
 *
 * Each agent floods the smallest value it knows for f+1 rounds and commits it in round f+2. With
 * binary values that is FloodSet's own decision rule (decide the one value seen, else the default
 * 0). It sends a value only when it is news — in round 1 its input, later only when its minimum
 * dropped in the previous round — Lynch's message-saving variant (§6.2.3: a process need relay a
 * value only once), so at most n−1 messages per value an agent learns.
 *
 * Why f+1 rounds suffice (the book's chain argument, for "knows a value ≤ v"): if a live agent first
 * learns it in round f+1, its informant first learned it in round f and crashed while sending,
 * and so on back to round 1 — f+1 distinct crashed agents, more than f. An earlier learner sends it
 * to everyone the next round. So after round f+1 every live agent knows the same minimum.
 *
 * Assumptions: crash or send-omission faults (or none), sync timing, maxRounds ≥ f+2, agreement.
 * Sending news only is also what makes it tolerate send omissions: an agent sends what it knows in
 * the round after it learns it or never, so a faulty agent cannot hold a value back through rounds
 * 1..f and reveal it to some in round f+1 — which breaks flooding every round (the README's tutorial
 * `flood-min`; the verifier finds it at n=4, f=2). A Byzantine agent breaks it: it can tell some
 * agents a smaller value than others in the last sending round.
 * Executes in: action spaces free and relay (it never relays); any n > f.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { mutantOf } from './mutants.js';
import { everyAgentAlike, type HonestProtocol, type ProtocolMutant } from './types.js';

/** The smallest of `minimum` and the round-s values that reached agent i. */
function withRound(game: GameBatch, b: number, i: number, s: number, minimum: number): number {
  for (let j = 0; j < game.n; j++) {
    if (j === i) continue;
    const v = game.received(b, i, j, s);
    if (v >= 0 && v < minimum) minimum = v;
  }
  return minimum;
}

export const floodSetProtocol: HonestProtocol = {
  name: 'floodset',
  summary: 'flood the smallest value known for f+1 rounds, sending it only when it is news, then commit it',
  assumptions: 'crash or omission faults (or none), sync, agreement; free or relay actions; maxRounds ≥ f+2',
  source: 'FloodSet, Lynch, Distributed Algorithms (1996) §6.2',
  memorySlots: 0,
  agentRoles: everyAgentAlike,

  refuse(scenario: Scenario): string | undefined {
    if (scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
      return `floodset: needs honestActions free or relay to send a value (got ${scenario.honestActions})`;
    if (scenario.problem !== 'agreement') return `floodset: decides one value for agreement (got problem=${scenario.problem})`;
    if (scenario.maxRounds < scenario.f + 2) return `floodset: needs maxRounds ≥ f+2 (f+1 rounds of flooding, then the commit; got maxRounds=${scenario.maxRounds}, f=${scenario.f})`;
    return undefined;
  },

  act: floodSetAct({}),

  mutants: () => FLOODSET_MUTANTS,
};

/** What a mutant changes (`mutants()`); the original is every option at its default. */
interface FloodSetMutation {
  /** Rounds of flooding before the commit: f+1 (default), or f — a round short, which f crashes in a chain defeat. */
  floodRounds?: (f: number) => number;
  /** Whether a value learned after round 1 is sent on (default true); false: each agent sends only its input. */
  relayNews?: boolean;
}

function floodSetAct(mutation: FloodSetMutation): HonestProtocol['act'] {
  const { floodRounds = (f: number) => f + 1, relayNews = true } = mutation;
  return (game: GameBatch, out: HonestActions): void => {
    const { n, round } = game;
    const lastSendingRound = floodRounds(game.f);
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (game.decisionRound[a] !== 0) continue;
        // The smallest value known a round ago (its input and rounds 1..round−2), then now (round − 1's too).
        let before = game.input[a]!;
        for (let s = 1; s <= round - 2; s++) before = withRound(game, b, i, s, before);
        const known = round > 1 ? withRound(game, b, i, round - 1, before) : before;
        if (round > lastSendingRound) out.decision[a] = known;
        else if (round === 1 || (relayNews && known < before)) out.message[a] = known;
      }
    }
  };
}

const FLOODSET_MUTANTS: readonly ProtocolMutant[] = [
  mutantOf(floodSetProtocol, 'a-round-short', 'a round short: floods for f rounds instead of f+1, then commits', { act: floodSetAct({ floodRounds: (f) => f }) }),
  mutantOf(floodSetProtocol, 'no-relay', 'a relay dropped: sends its input in round 1 and never passes on a smaller value it learns', { act: floodSetAct({ relayNews: false }) }),
];
