/**
 * `dolev-strong`: signed broadcast in f+1 = 2 rounds, then a decision.
 * - Round 1: send the input (broadcast: only the sender, agent 0; interactive consistency: every
 *   agent, as the sender of its own instance).
 * - Round 2: relay everything received (under pki each forwarded value carries its signature
 *   chain: origin, relayer).
 * - Round 3: extracted(j) = {j's direct round-1 value} ∪ {values relayed about j by any k ∉ {i, j}};
 *   entry j = the single extracted value, else (none, or two or more) the default 0.
 *   Broadcast: the sender commits its input, the others entry 0. Interactive consistency: the
 *   vector of entries, own entry = own input.
 *
 * Source: D. Dolev, H. R. Strong, "Authenticated algorithms for Byzantine agreement", SIAM J.
 * Computing 1983.
 * Assumptions: identity=pki (a faulty relayer can only forward what an honest origin signed);
 * then correct for any f < n given f+1 relay rounds — here f ≤ 1, because one-hop relays carry
 * chains of length 2. Under identity=authenticated it runs but is not correct: a faulty relayer's
 * lie gives an honest agent two values (the textbook reason signatures are needed).
 * Executes in: action space relay; problems broadcast and interactive-consistency; identity pki or
 * authenticated; f ≤ 1; R ≥ 3.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol } from './types.js';

const SENDER = 0;
const SEND_ROUND = 1;
const RELAY_ROUND = 2;
const DECIDE_ROUND = 3;
const DEFAULT_VALUE = 0;

export const dolevStrongProtocol: HonestProtocol = {
  name: 'dolev-strong',
  summary: 'send signed, relay the signature chains, accept a value only if it is the single one extracted',
  assumptions: 'broadcast or interactive consistency, identity=pki, any f < n (here f ≤ 1: one-hop relays), sync; R ≥ 3',
  source: 'Dolev & Strong, Authenticated algorithms for Byzantine agreement (SIAM J. Comput. 1983)',
  memorySlots: 0,

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, problem, identity, f, maxRounds } = scenario;
    if (honestActions !== 'relay') return `dolev-strong: needs honestActions=relay (got ${honestActions})`;
    if (problem === 'agreement') return 'dolev-strong: needs problem broadcast or interactive-consistency (got agreement)';
    if (identity === 'anonymous') return 'dolev-strong: needs identity pki (or authenticated, where it is not correct; got anonymous)';
    if (f > 1) return `dolev-strong: needs f ≤ 1: one-hop relays carry signature chains of length 2, enough for f+1 = 2 rounds (got f=${f})`;
    if (maxRounds < DECIDE_ROUND) return `dolev-strong: needs maxRounds ≥ ${DECIDE_ROUND} (send, relay, decide; got ${maxRounds})`;
    return undefined;
  },

  act(game: GameBatch, out: HonestActions): void {
    const n = game.n;
    const round = game.round;
    const problem = game.scenario.problem;
    const vector = problem === 'interactive-consistency';
    if (round > DECIDE_ROUND) return;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (round === SEND_ROUND) {
          if (vector || i === SENDER) out.message[a] = game.input[a]!;
          continue;
        }
        if (round === RELAY_ROUND) {
          // Under broadcast only the sender spoke in round 1, so the sender has nothing to forward.
          if (problem !== 'broadcast' || i !== SENDER) out.relay[a] = 1;
          continue;
        }
        if (game.decisionRound[a] !== 0) continue;
        if (!vector) {
          out.decision[a] = i === SENDER ? game.input[a]! : extract(game, b, i, SENDER);
          continue;
        }
        out.decision[a] = 0;
        for (let j = 0; j < n; j++) out.decisionVector[a * n + j] = j === i ? game.input[a]! : extract(game, b, i, j);
      }
    }
  },
};

/** The single value agent i extracted for origin j, or the default when it has none or several. */
function extract(game: GameBatch, b: number, i: number, j: number): number {
  let seen = 0; // bitmask of extracted values (V ≤ 4)
  const direct = game.received(b, i, j, SEND_ROUND);
  if (direct >= 0) seen |= 1 << direct;
  for (let k = 0; k < game.n; k++) {
    if (k === i || k === j) continue;
    const relayed = game.relayed(b, i, k, j, RELAY_ROUND);
    if (relayed >= 0) seen |= 1 << relayed;
  }
  // A single bit set ⇔ exactly one value extracted.
  return seen !== 0 && (seen & (seen - 1)) === 0 ? 31 - Math.clz32(seen) : DEFAULT_VALUE;
}
