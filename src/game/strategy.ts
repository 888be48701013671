/**
 * The two interfaces a strategy implements: an honest protocol (one shared strategy for every
 * honest agent) and an adversary (one controller for every faulty agent). Both act on a whole
 * batch at once, reading the rules engine and writing an action buffer. They live in the game
 * layer because hand-written strategies (src/protocols) and learned ones (src/policy) plug into the
 * engine the same way, and neither layer may import the other.
 */
import type { AdversaryActions, HonestActions } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import type { Scenario } from './scenario.js';

export interface HonestProtocol {
  /** Kebab-case name used on the command line (`phase-king`). */
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** When it is correct (the assumptions it needs to win every episode). */
  readonly assumptions: string;
  /** Where it comes from. */
  readonly source: string;
  /** Int32 slots of per-agent memory it keeps in the engine (zeroed at reset; copied when the verifier branches). */
  readonly memorySlots: number;
  /**
   * Why it cannot run in this scenario (wrong action space, too few rounds, …) as one line
   * prefixed with its name, or undefined when it can. Running outside its correctness
   * assumptions is allowed: that is how attacks are found.
   */
  refuse(scenario: Scenario): string | undefined;
  /**
   * Chooses this round's action for every agent with `game.needsAction(b, i)`, reading only that
   * agent's view (its input, preference, memory and the messages that reached it) — never
   * `game.faulty` or other agents' state.
   */
  act(game: GameBatch, out: HonestActions): void;
  /**
   * Deliberately broken variants of this protocol, for the robustness hunt (`cgym hunt`): each is
   * one fault a programmer could make (a threshold off by one, a round short, a check removed, the
   * tie rule flipped, a relay dropped). Optional: a protocol without it has no mutants. Each
   * mutant's protocol is named `<this name>:<mutation>` and resolves by that name wherever a
   * protocol is asked for (registry.ts), so a violating episode replays with `cgym play`.
   */
  mutants?(): readonly ProtocolMutant[];
  /**
   * Which agents it treats alike, for the verifier's symmetry reduction (src/verify/_internals/symmetry.ts):
   * a role per agent, agents of equal role interchangeable — renaming such agents in a state
   * (inputs, messages, relay chains, decision vectors; its memory holds no agent ids) renames its
   * actions the same way. Optional: without it no symmetry is used. The claim is checked on seeded
   * episodes before the verifier relies on it, and a false one is refused.
   */
  agentRoles?(scenario: Scenario): readonly number[];
  /**
   * Every message tag its messages may carry (besides 0), for the verifier's Byzantine moves: without
   * it a Byzantine message carries 0 or a tag some honest agent sends in the same round (the
   * verifier's documented bound), which under-approximates the adversary of a protocol whose tags
   * are message types (a `.ta` file's echo must be forgeable before any honest agent echoes).
   */
  messageTags?(scenario: Scenario): readonly number[];
  /**
   * The only agents whose content its honest agents read: their direct messages, and relay chains
   * that start at them (broadcast's Dolev–Strong and EIG: the sender). What any other agent sends,
   * or relays of another origin's chains, never changes what an honest agent does. The verifier
   * then leaves such content out of the adversary's moves (src/verify/_internals/visibleOrigins.ts,
   * where the soundness argument is). Optional: undefined (or every agent) means all are read. The
   * claim is checked on seeded episodes before the verifier relies on it; a false one is refused.
   */
  visibleOrigins?(scenario: Scenario): readonly number[] | undefined;
}

/** `agentRoles` of a protocol that runs the same code for every agent. */
export function everyAgentAlike(scenario: Scenario): number[] {
  return new Array<number>(scenario.n).fill(0);
}

/** `agentRoles` of a protocol in which broadcast's sender, agent 0, is special and every other agent alike. */
export function broadcastSenderApart(scenario: Scenario): number[] {
  const roles = everyAgentAlike(scenario);
  if (scenario.problem === 'broadcast') roles[0] = 1;
  return roles;
}

/** `visibleOrigins` of a protocol that, under broadcast, reads only the sender's (agent 0's) value and chains. */
export function broadcastSenderOnly(scenario: Scenario): number[] | undefined {
  return scenario.problem === 'broadcast' ? [0] : undefined;
}

/** One mutant of a protocol (`HonestProtocol.mutants`). */
export interface ProtocolMutant {
  /** Kebab-case name of the mutation (`tie-largest`); the protocol is `<base>:<mutation>`. */
  readonly mutation: string;
  /** One line: what was changed, and what the original does there. */
  readonly description: string;
  readonly protocol: HonestProtocol;
}

export interface Adversary {
  readonly name: string;
  readonly summary: string;
  /** Why it cannot run in this scenario, or undefined. */
  refuse(scenario: Scenario): string | undefined;
  /**
   * Chooses every faulty agent's behaviour this round. It sees everything: the whole engine state
   * and `honest`, what the honest protocol chose this round for every agent — including, for
   * faulty agents, what they would do if honest (so an attack can mimic the protocol).
   */
  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void;
}

/** A protocol or adversary asked to run where it cannot; the message is one line. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}
