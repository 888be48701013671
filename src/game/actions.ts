/**
 * The action buffers the engine consumes each round: one for the honest side (every agent's
 * primitive choices), one for the adversary (every choice GAME.md §6 gives it). Both are
 * struct-of-arrays over a whole batch, allocated once and cleared each round.
 *
 * Agent indices are absolute here; the relative order of GAME.md §3 is the observer's business.
 */
import { chainSlotCount } from './relayChains.js';
import { relayDepthOf, type Scenario } from './scenario.js';

export const SILENT = -1;
export const WAIT = -1;
export const KEEP = -1;
export const WITHHOLD = -1;
export const NO_ANSWER = -1;

/** Whether a scenario's honest action space has relays / samples / a vector decision. */
export function usesRelays(s: Scenario): boolean {
  return s.honestActions === 'relay';
}
export function usesSamples(s: Scenario): boolean {
  return s.honestActions === 'slush' || s.honestActions === 'sampling';
}
/** Slots of one relay envelope: a chain path each (relayChains.ts); n at one hop, 0 without relays. */
export function relaySlots(s: Scenario): number {
  return usesRelays(s) ? chainSlotCount(s.n, relayDepthOf(s)) : 0;
}
export function usesDecisionVector(s: Scenario): boolean {
  return s.problem === 'interactive-consistency';
}

/**
 * Honest choices for one round, `[batch, n]` unless noted. A protocol fills the rows of the agents
 * the engine asks about (`GameBatch.needsAction`); other rows are ignored.
 */
export class HonestActions {
  /** Value broadcast to every other agent, or SILENT. `paper`: only the agent's own input. */
  readonly message: Int8Array;
  /** A protocol-level label carried with the message (a phase number, a message kind); 0 for learned policies. */
  readonly tag: Uint8Array;
  /** 1 = forward every value received at the start of this round to everyone (`relay` space). */
  readonly relay: Uint8Array;
  /**
   * With `relay`: 0 = forward every chain; k > 0 = only chains that carry at least k signatures
   * with the relayer's own (a protocol that signs only what it accepted, as Dolev–Strong does:
   * a real message carries what its sender chose). Learned policies leave it 0.
   */
  readonly relayMinSignatures: Uint8Array;
  /** Value committed, or WAIT. Under interactive consistency any value ≥ 0 commits `decisionVector`. */
  readonly decision: Int8Array;
  /** `[batch, n, n]`: the committed vector, entry j for absolute agent j (interactive consistency). */
  readonly decisionVector: Int8Array;
  /** 1 = sample k random others this round (`slush`, `sampling`). */
  readonly query: Uint8Array;
  /** New preference, or KEEP (`sampling`). */
  readonly preference: Int8Array;

  constructor(readonly size: number, readonly n: number, scenario: Scenario) {
    const cells = size * n;
    this.message = new Int8Array(cells);
    this.tag = new Uint8Array(cells);
    this.relay = new Uint8Array(usesRelays(scenario) ? cells : 0);
    this.relayMinSignatures = new Uint8Array(usesRelays(scenario) ? cells : 0);
    this.decision = new Int8Array(cells);
    this.decisionVector = new Int8Array(usesDecisionVector(scenario) ? cells * n : 0);
    this.query = new Uint8Array(usesSamples(scenario) ? cells : 0);
    this.preference = new Int8Array(cells);
    this.clear();
  }

  /** Back to "do nothing": silent, wait, keep, no relay, no query. */
  clear(): void {
    this.message.fill(SILENT);
    this.tag.fill(0);
    this.relay.fill(0);
    this.relayMinSignatures.fill(0);
    this.decision.fill(WAIT);
    this.decisionVector.fill(0);
    this.query.fill(0);
    this.preference.fill(KEEP);
  }
}

/**
 * The adversary's choices for one round. Which parts matter depends on the scenario: Byzantine
 * faults use `message`/`tag`/`relay`/`sampleAnswer`; crash faults `crash`/`crashDeliver`;
 * omission faults `drop`; partial-sync and async add `delay` for every message in flight.
 */
export class AdversaryActions {
  /** `[batch, sender, recipient]`: value a faulty sender sends to a recipient, or SILENT. */
  readonly message: Int8Array;
  /** `[batch, sender, recipient]`: tag of that message. */
  readonly tag: Uint8Array;
  /**
   * `[batch, relayer, recipient, chain]`: value claimed (authenticated) or forwarded (pki), or
   * WITHHOLD, per chain path slot (relayChains.ts; slot o = the one-hop chain from origin o).
   */
  readonly relay: Int8Array;
  /** `[batch, faulty agent, querier]`: the answer a faulty agent gives a query this round, or NO_ANSWER. */
  readonly sampleAnswer: Int8Array;
  /** `[batch, sender, recipient]`: extra rounds (0..maxDelay) before this round's message arrives. */
  readonly delay: Uint8Array;
  /** `[batch, agent]`: 1 = this faulty agent crashes this round (crash faults). */
  readonly crash: Uint8Array;
  /** `[batch, sender, recipient]`: 1 = the crashing agent's last message still reaches this recipient. */
  readonly crashDeliver: Uint8Array;
  /** `[batch, sender, recipient]`: 1 = drop this faulty agent's message to this recipient (omission faults). */
  readonly drop: Uint8Array;

  /** Relay slots per (relayer, recipient): `relay` is `[batch, relayer, recipient, chainSlots]`. */
  readonly chainSlots: number;

  constructor(readonly size: number, readonly n: number, scenario: Scenario) {
    const pairs = size * n * n;
    this.chainSlots = relaySlots(scenario) || n;
    const byzantine = scenario.faults === 'byzantine' && scenario.f > 0;
    this.message = new Int8Array(byzantine ? pairs : 0);
    this.tag = new Uint8Array(byzantine ? pairs : 0);
    this.relay = new Int8Array(byzantine && usesRelays(scenario) ? pairs * this.chainSlots : 0);
    this.sampleAnswer = new Int8Array(byzantine && usesSamples(scenario) ? pairs : 0);
    this.delay = new Uint8Array(scenario.timing === 'sync' ? 0 : pairs);
    this.crash = new Uint8Array(scenario.faults === 'crash' ? size * n : 0);
    this.crashDeliver = new Uint8Array(scenario.faults === 'crash' ? pairs : 0);
    this.drop = new Uint8Array(scenario.faults === 'omission' ? pairs : 0);
    this.clear();
  }

  /** Episode slot b back to "do nothing" (an adversary that overrides another's choices there). */
  clearEpisode(b: number): void {
    const pairs = this.n * this.n;
    const clear = (array: Int8Array | Uint8Array, perEpisode: number, value: number) => {
      if (array.length > 0) array.fill(value, b * perEpisode, (b + 1) * perEpisode);
    };
    clear(this.message, pairs, SILENT);
    clear(this.tag, pairs, 0);
    clear(this.relay, pairs * this.chainSlots, WITHHOLD);
    clear(this.sampleAnswer, pairs, NO_ANSWER);
    clear(this.delay, pairs, 0);
    clear(this.crash, this.n, 0);
    clear(this.crashDeliver, pairs, 0);
    clear(this.drop, pairs, 0);
  }

  /** Back to "do nothing": silent, withhold, no answer, no delay, no crash, no drop. */
  clear(): void {
    this.message.fill(SILENT);
    this.tag.fill(0);
    this.relay.fill(WITHHOLD);
    this.sampleAnswer.fill(NO_ANSWER);
    this.delay.fill(0);
    this.crash.fill(0);
    this.crashDeliver.fill(0);
    this.drop.fill(0);
  }
}

/** An action that breaks the rules of the scenario; names the episode, round, agent and rule. */
export class IllegalActionError extends Error {
  override name = 'IllegalActionError';
}
