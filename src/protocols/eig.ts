/**
 * `eig`: OM(f), the exponential-information-gathering tree of depth f+1.
 * - Round 1: every agent sends its input (broadcast: only the sender, agent 0).
 * - Rounds 2..f+1: every agent relays what it received (the engine forwards every chain that
 *   arrived at the start of the round: round r's relay carries the tree's level r−1).
 * - Round f+2: agent i reads the tree. A node is a chain x = (x1, …, xk) of distinct agents, k ≤ f+1;
 *   val(x) is what i heard of it: x1's direct round-1 value for k = 1, else what xk relayed in round
 *   k about (x1, …, xk−1) — and i's own value where xk = i (its input for x = (i), what it
 *   relayed itself otherwise). A leaf (k = f+1) resolves to val(x), an inner node to the plurality
 *   of its children x·c, c ∉ x (ties → 0). A missing value counts as the default 0 (Lynch's rule)
 *   for f ≥ 2; at f ≤ 1 it is ignored, as OM(1) here always did — there every child of a node is
 *   common to all honest agents, so either rule is safe, while in a deeper tree a node whose honest
 *   leaves are all missing would otherwise be decided by its one faulty leaf (the random adversary
 *   broke 16% of episodes at n=7, f=2 that way). val_j = the resolved node (j),
 *   own entry = own input. Agreement commits the plurality of all n vals (ties → 0); interactive
 *   consistency the vector of vals; broadcast: the sender commits its input, the others val_0.
 *   At f = 1 this is exactly OM(1): per origin, the plurality of its direct value and the relays.
 *
 * Source: L. Lamport, R. Shostak, M. Pease, "The Byzantine Generals Problem", ACM TOPLAS 1982
 * (algorithm OM(m), m = f); the EIG formulation of Bar-Noy, Dolev, Dwork & Strong (1987), as in
 * N. Lynch, "Distributed Algorithms" (1996) §6.3 (EIGByz: majority per node, default 0 — for two
 * values the plurality with ties to 0 is the same rule).
 * Assumptions: correct for n > 3f, sync timing, authenticated channels (signatures are not needed).
 * At n ≤ 3f it is breakable, as it must be (it runs there: that is what the attackers are for).
 * Executes in: action space relay with chains of ≥ f+1 signatures (relayDepth, default f+1);
 * problems agreement, broadcast, interactive-consistency; identity authenticated or pki; R ≥ f+2.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { RelayChains } from '../game/relayChains.js';
import { MAX_AGENTS, relayDepthOf, type Scenario } from '../game/scenario.js';
import { clearCounts, plurality } from './plurality.js';
import { mutantOf, pluralityTiesLargest, refuseUnless } from './mutants.js';
import { broadcastSenderApart, broadcastSenderOnly, type HonestProtocol, type ProtocolMutant } from './types.js';

const SENDER = 0;
const SEND_ROUND = 1;
const DEFAULT_VALUE = 0;

/** Value counts per tree level (the resolution recurses one level per relay round). */
const levelCounts = Array.from({ length: MAX_AGENTS + 1 }, () => new Int32Array(4));
const counts = new Int32Array(4);
const vals = new Int8Array(MAX_AGENTS);

export const eigProtocol: HonestProtocol = {
  name: 'eig',
  summary: 'OM(f): send, relay the tree f times, then resolve each node by the plurality of its children',
  assumptions: 'n > 3f, sync, relay actions with chains of f+1 signatures (authenticated channels suffice); R ≥ f+2',
  source: 'Lamport, Shostak & Pease, The Byzantine Generals Problem (TOPLAS 1982), OM(f)',
  memorySlots: 0,
  agentRoles: broadcastSenderApart,
  visibleOrigins: broadcastSenderOnly,

  refuse(scenario: Scenario): string | undefined {
    const { honestActions, identity, f, maxRounds } = scenario;
    if (honestActions !== 'relay') return `eig: needs honestActions=relay (got ${honestActions})`;
    if (identity === 'anonymous') return 'eig: needs identity authenticated or pki (got anonymous)';
    const depth = relayDepthOf(scenario);
    if (depth < f + 1) return `eig: needs relayDepth ≥ f+1 = ${f + 1} (the tree's leaves are chains of f+1 agents; got ${depth})`;
    const decide = decideRound(f);
    if (maxRounds < decide)
      return f <= 1
        ? `eig: needs maxRounds ≥ ${decide} (send, relay, decide; got ${maxRounds})`
        : `eig: needs maxRounds ≥ f+2 = ${decide} (send, ${f} relay rounds, decide; got ${maxRounds})`;
    return undefined;
  },

  act: eigAct({}),

  mutants: () => EIG_MUTANTS,
};

/** What a mutant changes (`mutants()`); the original is every option at its default. */
interface EigMutation {
  /** Rounds cut from the end (default 0); 1: decides a round early on a tree one level shallower — OM(f−1). */
  roundsShort?: 0 | 1;
  /** Relay rounds it skips at the end of the relay phase (default 0; Infinity: it never relays). */
  relayRoundsDropped?: number;
  /** The tie rule of every plurality, the tree's nodes and the final vote (default: the smallest value). */
  tieRule?: (counts: Int32Array, V: number) => number;
  /** Whether the missing-value rule is flipped: ignored at f ≥ 2, counted as the default at f ≤ 1 (default false). */
  missingRuleFlipped?: boolean;
}

function eigAct(mutation: EigMutation): HonestProtocol['act'] {
  const { roundsShort = 0, relayRoundsDropped = 0, tieRule = plurality, missingRuleFlipped = false } = mutation;
  return (game: GameBatch, out: HonestActions): void => {
    const { n, values: V, round } = game;
    const problem = game.scenario.problem;
    const decide = decideRound(game.f) - roundsShort;
    if (round > decide) return;
    const leafLength = Math.max(1, game.f) + 1 - roundsShort;
    const missingIsDefault = (game.f >= 2) !== missingRuleFlipped;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        if (round === SEND_ROUND) {
          if (problem !== 'broadcast' || i === SENDER) out.message[a] = game.input[a]!;
          continue;
        }
        if (round < decide) {
          // Under broadcast every chain the sender could forward already carries its signature.
          if ((problem !== 'broadcast' || i !== SENDER) && round < decide - relayRoundsDropped) out.relay[a] = 1;
          continue;
        }
        if (game.decisionRound[a] !== 0) continue;
        const tree = new Tree(game, b, i, leafLength, missingIsDefault, tieRule);
        for (let j = 0; j < n; j++) vals[j] = j === i ? game.input[a]! : tree.resolveOrigin(j);
        if (problem === 'interactive-consistency') {
          out.decision[a] = 0;
          for (let j = 0; j < n; j++) out.decisionVector[a * n + j] = vals[j]!;
        } else if (problem === 'broadcast') {
          out.decision[a] = vals[SENDER]!;
        } else {
          clearCounts(counts, V);
          for (let j = 0; j < n; j++) counts[vals[j]!]! += 1;
          out.decision[a] = tieRule(counts, V);
        }
      }
    }
  };
}

/**
 * The mutants of `eig`. At ba-n4-f1 the verifier proves one-round-short (OM(0): the direct values
 * only) and never-relays unsafe; tie-largest and missing-rule-flipped are equivalent there (every
 * honest agent resolves each node from the same values, and at f = 1 either missing-value rule is
 * safe: see the doc comment above). relay-one-level-less (the tree's last level never relayed)
 * needs f ≥ 2: at f = 1 it is never-relays.
 */
const EIG_MUTANTS: readonly ProtocolMutant[] = [
  mutantOf(eigProtocol, 'one-round-short', 'a round short: decides in round f+1 on a tree of depth f, OM(f−1), instead of OM(f) in round f+2', { act: eigAct({ roundsShort: 1 }) }),
  mutantOf(eigProtocol, 'never-relays', 'a relay dropped: sends its input but never relays, deciding on a tree whose relayed levels are missing', { act: eigAct({ relayRoundsDropped: Infinity }) }),
  mutantOf(eigProtocol, 'relay-one-level-less', 'a relay dropped: relays f−1 times instead of f, so the tree\'s leaf level is missing', {
    act: eigAct({ relayRoundsDropped: 1 }),
    refuse: refuseUnless(eigProtocol, 'eig:relay-one-level-less', (s) => s.f >= 2, 'needs f ≥ 2 (at f = 1 it is never-relays)'),
  }),
  mutantOf(eigProtocol, 'tie-largest', 'the tie rule flipped: ties in every plurality go to the largest value instead of the smallest', { act: eigAct({ tieRule: pluralityTiesLargest }) }),
  mutantOf(eigProtocol, 'missing-rule-flipped', 'a check flipped: a missing value is ignored at f ≥ 2 (instead of counting as the default 0), counted as 0 at f ≤ 1 (instead of ignored)', { act: eigAct({ missingRuleFlipped: true }) }),
];

/** Send, f relay rounds, decide. */
function decideRound(f: number): number {
  return Math.max(1, f) + 2;
}

/** Agent i's EIG tree in episode b, read off the relay history (nodes are chain slots of the engine). */
class Tree {
  private readonly chains: RelayChains;

  /**
   * `leafLength`: agents in a leaf, f+1 (at least 2: OM(1)'s tree at f = 0 too; a mutant's may be
   * shorter). `missingIsDefault`: whether a missing value counts as the default 0 (f ≥ 2) rather
   * than being ignored.
   */
  constructor(
    private readonly game: GameBatch,
    private readonly b: number,
    private readonly i: number,
    private readonly leafLength: number,
    private readonly missingIsDefault: boolean,
    private readonly tieRule: (counts: Int32Array, V: number) => number,
  ) {
    this.chains = game.chains!;
  }

  /** val_j: the resolved node (j), or its value where (j) is itself a leaf (a tree of depth 1). */
  resolveOrigin(j: number): number {
    if (this.leafLength > 1) return this.resolve(j);
    const v = this.value(j);
    return v >= 0 ? v : DEFAULT_VALUE;
  }

  /** The resolved value of the inner node `path` (a chain slot of k < leafLength agents). */
  resolve(path: number): number {
    const { game, chains } = this;
    const k = chains.length[path]!;
    const level = levelCounts[k]!;
    clearCounts(level, game.values);
    for (let c = 0; c < game.n; c++) {
      if (chains.contains(path, c)) continue;
      const v = k + 1 === this.leafLength ? this.childValue(path, c) : this.resolve(chains.child(path, c));
      if (v >= 0) level[v]! += 1;
      else if (this.missingIsDefault) level[DEFAULT_VALUE]! += 1;
    }
    return this.tieRule(level, game.values);
  }

  /** val(x·c) for x = `path`: what c relayed in round |x|+1 about x, or i's own value of x when c = i. */
  private childValue(path: number, c: number): number {
    return c === this.i ? this.value(path) : this.game.relayedChain(this.b, this.i, c, path, this.chains.length[path]! + 1);
  }

  /** val(x) for x = `path`: the direct value for one agent, else what its last agent relayed of the rest. */
  private value(path: number): number {
    const { game, chains, b, i } = this;
    const parent = chains.parent[path]!;
    if (parent < 0) return path === i ? game.input[b * game.n + i]! : game.received(b, i, path, SEND_ROUND);
    return this.childValue(parent, chains.last[path]!);
  }
}
