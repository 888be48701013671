/**
 * `dolev-strong`: signed broadcast in f+1 rounds, then a decision.
 * - Round 1: send the input (broadcast: only the sender, agent 0; interactive consistency: every
 *   agent, as the sender of its own instance).
 * - Rounds r = 2..f+1: relay, signing only what it accepted: the engine forwards each chain that
 *   arrived at the start of r and carries ≥ r signatures with the relayer's own (under pki each
 *   forwarded value carries its signature chain: origin, relayers).
 * - Round f+2: extracted(j) = {j's direct round-1 value} ∪ {the value of every chain from origin j
 *   in a round-s relay (s = 1..f+1; from s = 2 with one-hop relays) with ≥ s distinct
 *   signatures}; entry j = the single extracted
 *   value, else (none, or two or more) the default 0. Broadcast: the sender commits its input, the
 *   others entry 0. Interactive consistency: the vector of entries, own entry = own input.
 *
 * Why relays are filtered: the proof needs "an honest signature on a chain means that signer
 * accepted it". An honest agent that forwarded everything would sign a late chain (a faulty
 * sender's direct value sent in round 2), and at f ≥ 3 faulty relayers could pad that chain with
 * their own signatures into one an honest agent accepts in round f+1 while the signer never did.
 *
 * Source: D. Dolev, H. R. Strong, "Authenticated algorithms for Byzantine agreement", SIAM J.
 * Computing 1983 (acceptance of a value with r distinct signatures in round r, f+1 rounds).
 * Assumptions: identity=pki (a faulty relayer can only forward what honest signers signed); then
 * correct for any f < n. Under identity=authenticated it runs but is not correct: a faulty
 * relayer's lie gives an honest agent two values (the textbook reason signatures are needed).
 * Executes in: action space relay with chains of ≥ f+1 signatures (relayDepth, default f+1);
 * problems broadcast and interactive-consistency; identity pki or authenticated; R ≥ f+2.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import { relayDepthOf, type Scenario } from '../game/scenario.js';
import type { HonestProtocol } from './types.js';

const SENDER = 0;
const SEND_ROUND = 1;
const DEFAULT_VALUE = 0;

export const dolevStrongProtocol: HonestProtocol = {
  name: 'dolev-strong',
  summary: 'send signed, relay the signature chains, accept a value only if it is the single one extracted',
  assumptions: 'broadcast or interactive consistency, identity=pki, any f < n, relay chains of f+1 signatures, sync; R ≥ f+2',
  source: 'Dolev & Strong, Authenticated algorithms for Byzantine agreement (SIAM J. Comput. 1983)',
  memorySlots: 0,

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, problem, identity, f, maxRounds } = scenario;
    if (honestActions !== 'relay') return `dolev-strong: needs honestActions=relay (got ${honestActions})`;
    if (problem === 'agreement') return 'dolev-strong: needs problem broadcast or interactive-consistency (got agreement)';
    if (identity === 'anonymous') return 'dolev-strong: needs identity pki (or authenticated, where it is not correct; got anonymous)';
    const depth = relayDepthOf(scenario);
    if (depth < f + 1) return `dolev-strong: needs relayDepth ≥ f+1 = ${f + 1} (chains of f+1 signatures; got ${depth})`;
    const decide = decideRound(f);
    if (maxRounds < decide)
      return f <= 1
        ? `dolev-strong: needs maxRounds ≥ ${decide} (send, relay, decide; got ${maxRounds})`
        : `dolev-strong: needs maxRounds ≥ f+2 = ${decide} (send, ${f} relay rounds, decide; got ${maxRounds})`;
    return undefined;
  },

  act(game: GameBatch, out: HonestActions): void {
    const n = game.n;
    const round = game.round;
    const problem = game.scenario.problem;
    const vector = problem === 'interactive-consistency';
    const decide = decideRound(game.f);
    if (round > decide) return;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (round === SEND_ROUND) {
          if (vector || i === SENDER) out.message[a] = game.input[a]!;
          continue;
        }
        if (round < decide) {
          // Under broadcast every chain the sender could forward already carries its signature.
          if (problem !== 'broadcast' || i !== SENDER) {
            out.relay[a] = 1;
            out.relayMinSignatures[a] = round; // sign only chains it accepted (≥ r−1 signatures when they arrived)
          }
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

/** Send, f relay rounds, decide. */
function decideRound(f: number): number {
  return Math.max(1, f) + 2;
}

/** The single value agent i extracted for origin j, or the default when it has none or several. */
function extract(game: GameBatch, b: number, i: number, j: number): number {
  let seen = 0; // bitmask of extracted values (V ≤ 4)
  const direct = game.received(b, i, j, SEND_ROUND);
  if (direct >= 0) seen |= 1 << direct;
  const chains = game.chains!;
  const lastRelay = decideRound(game.f) - 1;
  // With chains deeper than one hop, from round 1 on: a faulty agent may relay a chain in round 1
  // already; with ≥ 1 signature it is acceptable, and an honest relayer forwards (signs) it in
  // round 2, so its recipients accept it — so must the relayer. At one hop an honest relay signs
  // direct values only, and round-1 relays stay ignored as they always were (f ≤ 1 unchanged).
  const firstRelay = game.relayDepth > 2 ? SEND_ROUND : SEND_ROUND + 1;
  for (let s = firstRelay; s <= lastRelay; s++)
    for (let k = 0; k < game.n; k++) {
      if (k === i || k === j) continue;
      // Chains from origin j in k's round-s relay with ≥ s signatures (the path's agents and k).
      for (let p = 0; p < chains.count; p++) {
        if (chains.first[p] !== j || chains.length[p]! + 1 < s || chains.contains(p, k)) continue;
        const relayed = game.relayedChain(b, i, k, p, s);
        if (relayed >= 0) seen |= 1 << relayed;
      }
    }
  // A single bit set ⇔ exactly one value extracted.
  return seen !== 0 && (seen & (seen - 1)) === 0 ? 31 - Math.clz32(seen) : DEFAULT_VALUE;
}
