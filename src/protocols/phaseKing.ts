/**
 * `phase-king`: f+1 phases of two rounds, king of phase p = agent p−1.
 * - Round 2p−1: every agent broadcasts its preference (initially its input).
 * - Round 2p: each computes maj, the plurality of its own preference and those received (ties →
 *   the smallest value), and mult, maj's count; the king broadcasts its maj.
 * - Round 2p+1: keep maj if mult > n/2 + f, else adopt the king's value (0 if the king sent
 *   nothing). The same round starts phase p+1; after phase f+1 every agent commits its preference
 *   in round 2(f+1)+1.
 *
 * Source: P. Berman, J. A. Garay, K. J. Perry, "Towards optimal distributed consensus", FOCS 1989.
 * Assumptions: Byzantine agreement correct for n > 4f, sync timing, authenticated channels (a
 * receiver must know which message is the king's). One honest king in f+1 phases makes every
 * honest preference equal; mult > n/2 + f means > n/2 honest agents share maj, so no later king
 * can move it.
 * Executes in: action spaces free, relay; problem agreement; identity authenticated or pki;
 * R ≥ 2(f+1)+1.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { clearCounts, plurality } from './plurality.js';
import { mutantOf, pluralityTiesLargest } from './mutants.js';
import type { HonestProtocol, ProtocolMutant } from './types.js';

// Memory slots per agent.
const PREFERENCE = 0;
const MAJ = 1;
const MULT = 2;
const SLOTS = 3;

const counts = new Int32Array(4);

/** Rounds phase king needs: two per phase, f+1 phases, plus the round that commits. */
export const phaseKingRounds = (f: number): number => 2 * (f + 1) + 1;

export const phaseKingProtocol: HonestProtocol = {
  name: 'phase-king',
  summary: 'f+1 phases: broadcast preferences, the phase\'s king breaks weak majorities; commit after the last phase',
  assumptions: 'agreement, n > 4f, sync, identity authenticated or pki; R ≥ 2(f+1)+1',
  source: 'Berman, Garay & Perry, Towards optimal distributed consensus (FOCS 1989)',
  memorySlots: SLOTS,
  // The king of phase p is agent p−1: agents 0..f each their own role, the rest alike.
  agentRoles: (scenario) => Array.from({ length: scenario.n }, (_, i) => (i <= scenario.f ? i + 1 : 0)),

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, problem, identity, f, maxRounds } = scenario;
    if (honestActions !== 'free' && honestActions !== 'relay') return `phase-king: needs honestActions free or relay (got ${honestActions})`;
    if (problem !== 'agreement') return `phase-king: needs problem=agreement (got ${problem})`;
    if (identity === 'anonymous') return 'phase-king: needs identity authenticated or pki to tell the king\'s message apart (got anonymous)';
    const needed = phaseKingRounds(f);
    if (maxRounds < needed) return `phase-king: needs maxRounds ≥ 2(f+1)+1 = ${needed} for f=${f} (got ${maxRounds})`;
    return undefined;
  },

  act: phaseKingAct({}),

  mutants: () => PHASE_KING_MUTANTS,
};

/** What a mutant changes (`mutants()`); the original is every option at its default. */
interface PhaseKingMutation {
  /** Added to the f+1 phases (−1: a phase short, so the commit comes two rounds early). */
  extraPhases?: number;
  /** Added to the strong-majority bound on 2·mult (n + 2f): ±2 moves "mult > n/2 + f" by ±1. */
  thresholdShift?: number;
  /** Whether the "keep a strong majority" check is there (default true); without it every agent follows the king. */
  keepStrongMajority?: boolean;
  /** The tie rule (default: the smallest value). */
  tieRule?: (counts: Int32Array, V: number) => number;
}

function phaseKingAct(mutation: PhaseKingMutation): HonestProtocol['act'] {
  const { extraPhases = 0, thresholdShift = 0, keepStrongMajority = true, tieRule = plurality } = mutation;
  return (game: GameBatch, out: HonestActions): void => {
    const { n, f, values: V, round } = game;
    const commitRound = phaseKingRounds(f + extraPhases);
    if (round > commitRound) return; // decided agents (afterCommit=continue) have nothing left to do
    const strongMajority = n + 2 * f + thresholdShift; // mult > n/2 + f  ⇔  2·mult > n + 2f
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        const mem = a * SLOTS;
        if (round % 2 === 0) {
          // Round 2p: tally phase p's preferences; the king announces its maj.
          clearCounts(counts, V);
          counts[game.memory[mem + PREFERENCE]!]! += 1;
          game.countReceived(b, i, round - 1, counts);
          const maj = tieRule(counts, V);
          game.memory[mem + MAJ] = maj;
          game.memory[mem + MULT] = counts[maj]!;
          if (i === round / 2 - 1) out.message[a] = maj;
          continue;
        }
        // Round 2p+1 (odd): close phase p (if any), then open phase p+1 or commit.
        let preference: number;
        if (round === 1) preference = game.input[a]!;
        else {
          const king = (round - 1) / 2 - 1;
          const maj = game.memory[mem + MAJ]!;
          if (keepStrongMajority && 2 * game.memory[mem + MULT]! > strongMajority) preference = maj;
          else if (king === i) preference = maj;
          else {
            const kingValue = game.received(b, i, king, round - 1);
            preference = kingValue >= 0 ? kingValue : 0;
          }
        }
        game.memory[mem + PREFERENCE] = preference;
        if (round === commitRound) out.decision[a] = preference;
        else out.message[a] = preference;
      }
    }
  };
}

/**
 * The mutants of `phase-king`. The verifier's verdicts at n=5, f=1 (phase-king-n5-f1, all 80 chance
 * outcomes): a phase short, threshold −1, threshold +1 and the check removed are unsafe (a faulty
 * king, or a faulty agent's vote tipping a weak majority, splits the honest agents); the flipped tie
 * rule is safe there — an equivalent mutant, which no attacker may "break".
 */
const PHASE_KING_MUTANTS: readonly ProtocolMutant[] = [
  mutantOf(phaseKingProtocol, 'one-phase-short', 'a round short: f phases instead of f+1, committing two rounds early', { act: phaseKingAct({ extraPhases: -1 }) }),
  mutantOf(phaseKingProtocol, 'threshold-minus-1', 'wrong threshold −1: keeps its majority when mult > n/2 + f − 1 (instead of > n/2 + f)', { act: phaseKingAct({ thresholdShift: -2 }) }),
  mutantOf(phaseKingProtocol, 'threshold-plus-1', 'wrong threshold +1: keeps its majority only when mult > n/2 + f + 1 (instead of > n/2 + f)', { act: phaseKingAct({ thresholdShift: 2 }) }),
  mutantOf(phaseKingProtocol, 'no-strong-majority-check', 'a check removed: always adopts the king\'s value, never keeps a strong majority', { act: phaseKingAct({ keepStrongMajority: false }) }),
  mutantOf(phaseKingProtocol, 'tie-largest', 'the tie rule flipped: ties in the tally go to the largest value instead of the smallest', { act: phaseKingAct({ tieRule: pluralityTiesLargest }) }),
];
