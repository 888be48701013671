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
import { mutantOf, refuseUnless } from './mutants.js';
import { broadcastSenderApart, broadcastSenderOnly, type HonestProtocol, type ProtocolMutant } from './types.js';

const SENDER = 0;
const SEND_ROUND = 1;
const DEFAULT_VALUE = 0;

export const dolevStrongProtocol: HonestProtocol = {
  name: 'dolev-strong',
  summary: 'send signed, relay the signature chains, accept a value only if it is the single one extracted',
  assumptions: 'broadcast or interactive consistency, identity=pki, any f < n, relay chains of f+1 signatures, sync; R ≥ f+2',
  source: 'Dolev & Strong, Authenticated algorithms for Byzantine agreement (SIAM J. Comput. 1983)',
  memorySlots: 0,
  agentRoles: broadcastSenderApart,
  visibleOrigins: broadcastSenderOnly,

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

  act: dolevStrongAct({}),

  mutants: () => DOLEV_STRONG_MUTANTS,
};

/** What a mutant changes (`mutants()`); the original is every option at its default. */
interface DolevStrongMutation {
  /** Rounds cut from the end (default 0); 1: one relay round fewer, deciding in round f+1. */
  roundsShort?: 0 | 1;
  /** Whether it never relays (default false). */
  neverRelays?: boolean;
  /** Signatures a chain may lack and still be accepted (and relayed) in its round (default 0). */
  signaturesSpared?: 0 | 1;
  /** Whether the sender's direct value wins outright when one arrived, the relayed chains unchecked (default false). */
  trustDirectValue?: boolean;
  /** The value of an entry with none or several extracted values (default 0; 'largest': V−1). */
  defaultValue?: 'smallest' | 'largest';
}

function dolevStrongAct(mutation: DolevStrongMutation): HonestProtocol['act'] {
  const { roundsShort = 0, neverRelays = false, signaturesSpared = 0 } = mutation;
  return (game: GameBatch, out: HonestActions): void => {
    const n = game.n;
    const round = game.round;
    const problem = game.scenario.problem;
    const vector = problem === 'interactive-consistency';
    const decide = decideRound(game.f) - roundsShort;
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
          if ((problem !== 'broadcast' || i !== SENDER) && !neverRelays) {
            out.relay[a] = 1;
            out.relayMinSignatures[a] = round - signaturesSpared; // sign only chains it accepted (≥ r−1 signatures when they arrived)
          }
          continue;
        }
        if (game.decisionRound[a] !== 0) continue;
        if (!vector) {
          out.decision[a] = i === SENDER ? game.input[a]! : extract(game, b, i, SENDER, decide, mutation);
          continue;
        }
        out.decision[a] = 0;
        for (let j = 0; j < n; j++) out.decisionVector[a * n + j] = j === i ? game.input[a]! : extract(game, b, i, j, decide, mutation);
      }
    }
  };
}

/**
 * The mutants of `dolev-strong`. The verifier at bb-pki-n3-f1: one-round-short, never-relays and
 * trust-direct-value are unsafe (a faulty sender splits the honest agents); default-largest is
 * equivalent (honest agents extract the same set of values, so any default is common to them).
 * accept-one-signature-fewer needs f ≥ 2: at bb-pki-n4-f2 the verifier proves it unsafe (a faulty sender
 * and a faulty relayer give one honest agent a late chain the other never sees), as it does the three above.
 */
const DOLEV_STRONG_MUTANTS: readonly ProtocolMutant[] = [
  mutantOf(dolevStrongProtocol, 'one-round-short', 'a round short: f−1 relay rounds, deciding in round f+1 instead of f+2', { act: dolevStrongAct({ roundsShort: 1 }) }),
  mutantOf(dolevStrongProtocol, 'never-relays', 'a relay dropped: never forwards a chain it accepted', { act: dolevStrongAct({ neverRelays: true }) }),
  mutantOf(dolevStrongProtocol, 'accept-one-signature-fewer', 'a check removed: accepts (and relays) a round-s chain with s−1 signatures instead of s', {
    act: dolevStrongAct({ signaturesSpared: 1 }),
    // With one-hop relays (f ≤ 1) every chain an honest agent reads already has its round's signatures.
    refuse: refuseUnless(dolevStrongProtocol, 'dolev-strong:accept-one-signature-fewer', (s) => s.f >= 2, 'needs f ≥ 2 (at f ≤ 1 it plays exactly like dolev-strong)'),
  }),
  mutantOf(dolevStrongProtocol, 'trust-direct-value', 'a check removed: takes the sender\'s direct value when one arrived, without checking the relayed chains for a second value', { act: dolevStrongAct({ trustDirectValue: true }) }),
  mutantOf(dolevStrongProtocol, 'default-largest', 'the default rule flipped: none or several extracted values give the largest value instead of 0', { act: dolevStrongAct({ defaultValue: 'largest' }) }),
];

/** Send, f relay rounds, decide. */
function decideRound(f: number): number {
  return Math.max(1, f) + 2;
}

/** The single value agent i extracted for origin j, or the default when it has none or several. */
function extract(game: GameBatch, b: number, i: number, j: number, decide: number, mutation: DolevStrongMutation): number {
  const { signaturesSpared = 0, trustDirectValue = false, defaultValue = 'smallest' } = mutation;
  let seen = 0; // bitmask of extracted values (V ≤ 4)
  const direct = game.received(b, i, j, SEND_ROUND);
  if (direct >= 0 && trustDirectValue) return direct;
  if (direct >= 0) seen |= 1 << direct;
  const chains = game.chains!;
  const lastRelay = decide - 1;
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
        if (chains.first[p] !== j || chains.length[p]! + 1 + signaturesSpared < s || chains.contains(p, k)) continue;
        const relayed = game.relayedChain(b, i, k, p, s);
        if (relayed >= 0) seen |= 1 << relayed;
      }
    }
  // A single bit set ⇔ exactly one value extracted.
  if (seen !== 0 && (seen & (seen - 1)) === 0) return 31 - Math.clz32(seen);
  return defaultValue === 'largest' ? game.values - 1 : DEFAULT_VALUE;
}
