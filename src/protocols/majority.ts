/**
 * `majority`: round 1, every agent sends its input; round 2, it commits the plurality of its own
 * input and the values that arrived (missing messages ignored, ties → the smallest value, 0 for
 * binary). Under broadcast the sender (agent 0) commits its input and the others commit the value
 * it sent them, or 0 if none arrived.
 *
 * Source: the seed paper's optimal strategy for its `honest-consensus` experiment (GAME.md §9),
 * and the honest side frozen in `byzantine-breaking`.
 * Assumptions: f = 0 and sync timing. With one Byzantine agent at n = 3 it loses whenever the honest
 * inputs differ (the equivocating adversary sends each honest agent its own value).
 * Executes in: action spaces paper, free, relay; problems agreement and broadcast; any identity
 * (under anonymous it reads only counts); R ≥ 2.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { clearCounts, plurality } from './plurality.js';
import { mutantOf, pluralityTiesLargest } from './mutants.js';
import { broadcastSenderApart, type HonestProtocol, type ProtocolMutant } from './types.js';

/** The designated sender of broadcast (GAME.md §3). */
const SENDER = 0;
const counts = new Int32Array(4);

export const majorityProtocol: HonestProtocol = {
  name: 'majority',
  summary: 'send the own input, then commit the plurality of what arrived (broadcast: the sender\'s value)',
  assumptions: 'f = 0, sync; agreement or broadcast; paper, free or relay actions; R ≥ 2',
  source: 'the seed paper\'s optimum for honest-consensus (GAME.md §9)',
  memorySlots: 0,
  agentRoles: broadcastSenderApart,

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, problem, maxRounds } = scenario;
    if (honestActions !== 'paper' && honestActions !== 'free' && honestActions !== 'relay')
      return `majority: needs honestActions paper, free or relay (got ${honestActions})`;
    if (problem !== 'agreement' && problem !== 'broadcast') return `majority: needs problem agreement or broadcast (got ${problem})`;
    if (maxRounds < 2) return `majority: needs maxRounds ≥ 2 (one to send, one to commit; got ${maxRounds})`;
    return undefined;
  },

  act: majorityAct({}),

  mutants: () => MAJORITY_MUTANTS,
};

/** What a mutant changes (`mutants()`); the original is every option at its default. */
interface MajorityMutation {
  /** The round it commits in: 2 (default), or 1 — a round short: its own input, before hearing anyone. */
  commitRound?: 1 | 2;
  /** Whether its own input counts as a vote (default true). */
  countOwnInput?: boolean;
  /** The tie rule (default: the smallest value). */
  tieRule?: (counts: Int32Array, V: number) => number;
  /** Whether a missing message counts as a vote for 0 instead of being ignored (default false). */
  missingAsZero?: boolean;
}

function majorityAct(mutation: MajorityMutation): HonestProtocol['act'] {
  const { commitRound = 2, countOwnInput = true, tieRule = plurality, missingAsZero = false } = mutation;
  return (game: GameBatch, out: HonestActions): void => {
    const { n, values: V, round } = game;
    const broadcast = game.scenario.problem === 'broadcast';
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (game.decisionRound[a] !== 0) continue; // afterCommit=continue: nothing more to say
        const input = game.input[a]!;
        if (round < commitRound) {
          out.message[a] = input;
        } else if (broadcast) {
          const fromSender = round > 1 ? game.received(b, i, SENDER, 1) : -1;
          out.decision[a] = i === SENDER ? input : fromSender >= 0 ? fromSender : 0;
        } else {
          clearCounts(counts, V);
          if (countOwnInput || round === 1) counts[input]! += 1;
          if (round > 1) game.countReceived(b, i, 1, counts);
          if (missingAsZero && round > 1) {
            let heard = 0;
            for (let v = 0; v < V; v++) heard += counts[v]!;
            counts[0]! += n - (countOwnInput ? 0 : 1) - heard;
          }
          out.decision[a] = tieRule(counts, V);
        }
      }
    }
  };
}

/**
 * The mutants of `majority` (the hunt's ground truth at honest-consensus, n=3, f=0: the first two are
 * unsafe; the tie rule and missing messages only matter once an agent can be faulty or n is even).
 */
const MAJORITY_MUTANTS: readonly ProtocolMutant[] = [
  mutantOf(majorityProtocol, 'commit-round-1', 'a round short: commits its own input in round 1, before any message arrives', { act: majorityAct({ commitRound: 1 }) }),
  mutantOf(majorityProtocol, 'ignore-own-input', 'a vote dropped: counts only the values received, not its own input', { act: majorityAct({ countOwnInput: false }) }),
  mutantOf(majorityProtocol, 'tie-largest', 'the tie rule flipped: ties go to the largest value instead of the smallest', { act: majorityAct({ tieRule: pluralityTiesLargest }) }),
  mutantOf(majorityProtocol, 'missing-as-0', 'a check removed: a missing message counts as a vote for 0 instead of being ignored', { act: majorityAct({ missingAsZero: true }) }),
];
