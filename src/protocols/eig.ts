/**
 * `eig`: OM(1), the exponential-information-gathering tree of depth 2.
 * - Round 1: every agent sends its input (broadcast: only the sender, agent 0).
 * - Round 2: every agent relays what it received.
 * - Round 3: for each origin j ≠ i, val_j = plurality of {j's direct round-1 value} ∪ {what each
 *   k ∉ {i, j} relayed about j} (missing values ignored, ties → 0); val_i = own input.
 *   Agreement commits the plurality of all n vals (ties → 0); interactive consistency commits the
 *   vector of vals; broadcast: the sender commits its input, the others val_0.
 *
 * Source: L. Lamport, R. Shostak, M. Pease, "The Byzantine Generals Problem", ACM TOPLAS 1982
 * (algorithm OM(m) with m = 1; the EIG formulation of Bar-Noy, Dolev, Dwork & Strong, 1987).
 * Assumptions: correct for n > 3f with f ≤ 1, sync timing, authenticated channels (signatures are
 * not needed). At n = 3, f = 1 it is breakable, as it must be (n ≤ 3f).
 * Executes in: action space relay; problems agreement, broadcast, interactive-consistency;
 * identity authenticated or pki; f ≤ 1; R ≥ 3. OM(m) for m ≥ 2 needs relays of relays, and this
 * engine's relays are one hop deep (origin → relayer → recipient).
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { clearCounts, plurality } from './plurality.js';
import type { HonestProtocol } from './types.js';

const SENDER = 0;
const SEND_ROUND = 1;
const RELAY_ROUND = 2;
const DECIDE_ROUND = 3;

const counts = new Int32Array(4);
const vals = new Int8Array(16);

export const eigProtocol: HonestProtocol = {
  name: 'eig',
  summary: 'OM(1): send, relay, then take the plurality per origin of the direct and relayed values',
  assumptions: 'n > 3f with f ≤ 1, sync, relay actions (authenticated channels suffice); R ≥ 3',
  source: 'Lamport, Shostak & Pease, The Byzantine Generals Problem (TOPLAS 1982), OM(1)',
  memorySlots: 0,

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, identity, f, maxRounds } = scenario;
    if (honestActions !== 'relay') return `eig: needs honestActions=relay (got ${honestActions})`;
    if (identity === 'anonymous') return 'eig: needs identity authenticated or pki (got anonymous)';
    if (f > 1)
      return `eig: needs f ≤ 1: this engine's relays are one hop deep (origin→relayer→recipient), which is OM(1) (got f=${f})`;
    if (maxRounds < DECIDE_ROUND) return `eig: needs maxRounds ≥ ${DECIDE_ROUND} (send, relay, decide; got ${maxRounds})`;
    return undefined;
  },

  act(game: GameBatch, out: HonestActions): void {
    const { n, values: V, round } = game;
    const problem = game.scenario.problem;
    if (round > DECIDE_ROUND) return;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (round === SEND_ROUND) {
          if (problem !== 'broadcast' || i === SENDER) out.message[a] = game.input[a]!;
          continue;
        }
        if (round === RELAY_ROUND) {
          // Under broadcast only the sender spoke in round 1, so the sender has nothing to forward.
          if (problem !== 'broadcast' || i !== SENDER) out.relay[a] = 1;
          continue;
        }
        if (game.decisionRound[a] !== 0) continue;
        for (let j = 0; j < n; j++) vals[j] = j === i ? game.input[a]! : resolve(game, b, i, j);
        if (problem === 'interactive-consistency') {
          out.decision[a] = 0;
          for (let j = 0; j < n; j++) out.decisionVector[a * n + j] = vals[j]!;
        } else if (problem === 'broadcast') {
          out.decision[a] = vals[SENDER]!;
        } else {
          clearCounts(counts, V);
          for (let j = 0; j < n; j++) counts[vals[j]!]! += 1;
          out.decision[a] = plurality(counts, V);
        }
      }
    }
  },
};

/** Agent i's value for origin j: the plurality of j's direct value and the relays about j. */
function resolve(game: GameBatch, b: number, i: number, j: number): number {
  clearCounts(counts, game.values);
  const direct = game.received(b, i, j, SEND_ROUND);
  if (direct >= 0) counts[direct]! += 1;
  for (let k = 0; k < game.n; k++) {
    if (k === i || k === j) continue;
    const relayed = game.relayed(b, i, k, j, RELAY_ROUND);
    if (relayed >= 0) counts[relayed]! += 1;
  }
  return plurality(counts, game.values);
}
