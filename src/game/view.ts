/**
 * What an agent can see, defined once (OpenSpiel's information state): agent h of episode b reads
 * its own input, preference, decision, memory and signatures, every envelope addressed to it (its
 * arrival round, and once sent its value, tag and relay contents), and whom its samples queried
 * and what they answered. Nothing else of the episode — other agents' state, envelopes between
 * others, who is faulty, GST, the random streams — may change what a protocol does for h.
 *
 * Four readers rest on this one definition:
 * - the verifier's memo key (src/verify/_internals/keys.ts), exact only if it holds every cell
 *   `visitView` visits;
 * - the conformance check that a protocol does not peek (conformance.ts), which perturbs every cell
 *   `visitView` does *not* visit;
 * - the episode's events (episodeEvents.ts), which read envelopes through `visitEnvelope`;
 * - the observation of learned policies (observation.ts), which reads through the index
 *   arithmetic and the readers below (`envelopeIndex`, `arrivedBy`, `sampleAnswerFrom`, …) — a
 *   test transplants what `visitView` visits into another episode and expects the agent's rows
 *   unchanged, so the observation can never show a learned policy more than the memo key holds.
 * A new state field an agent can read is added here, and all of them follow; `EPISODE_FIELDS`
 * classifies every per-episode array of the engine, and a test fails when one is missing.
 *
 * Nothing here allocates: a visitor is a plain object whose `cell` is called per number, and the
 * readers are small functions the JIT inlines into the observer's loops (a visitor's call per
 * number would cost the observer its speed).
 */
import { NO_ANSWER } from './actions.js';
import type { GameBatch } from './GameBatch.js';

/** Per-episode arrays of GameBatch, as codes (a visitor is told which array each number comes from). */
export const Field = {
  input: 0, preference: 1, decisionRound: 2, decision: 3, decisionVector: 4, signed: 5, crashedAt: 6, memory: 7,
  msgArrival: 8, msgValue: 9, msgTag: 10, relayValue: 11, sampleWho: 12, sampleAnswer: 13,
  // Derived: functions of the cells above (caches the engine keeps), visited only on request.
  lastValue: 14, lastSentRound: 15, firstArrival: 16, preferenceHistory: 17,
  // Seen (pki, relay chains deeper than one hop): the chains an agent signed by forwarding them.
  chainSigned: 18,
} as const;
export type Field = (typeof Field)[keyof typeof Field];

/**
 * Every per-episode array of GameBatch by name: `seen` (agent h reads some of its cells: exactly those
 * `visitView` visits), `derived` (caches of seen cells, visited with `derived`), `hidden` (no agent
 * reads it). The conformance check perturbs the unvisited cells of the first two and all of `hidden`.
 */
export const EPISODE_FIELDS = {
  input: 'seen', preference: 'seen', decisionRound: 'seen', decision: 'seen', decisionVector: 'seen', signed: 'seen',
  crashedAt: 'seen', memory: 'seen', msgArrival: 'seen', msgValue: 'seen', msgTag: 'seen', relayValue: 'seen',
  sampleWho: 'seen', sampleAnswer: 'seen', chainSigned: 'seen',
  lastValue: 'derived', lastSentRound: 'derived', firstArrival: 'derived', preferenceHistory: 'derived',
  faulty: 'hidden', gst: 'hidden', rng: 'hidden', episodeIndex: 'hidden', messageCount: 'hidden', undecidedRounds: 'hidden',
  // Read by `needsAction` for the whole episode: kept, not perturbed (an ended episode asks no action).
  done: 'episode', roundsPlayed: 'hidden',
} as const satisfies Record<string, 'seen' | 'derived' | 'hidden' | 'episode'>;
export type EpisodeFieldName = keyof typeof EPISODE_FIELDS;

/** The array of `game` that a Field code names. */
export function fieldArray(game: GameBatch, field: Field): ArrayLike<number> {
  switch (field) {
    case Field.input: return game.input;
    case Field.preference: return game.preference;
    case Field.decisionRound: return game.decisionRound;
    case Field.decision: return game.decision;
    case Field.decisionVector: return game.decisionVector;
    case Field.signed: return game.signed;
    case Field.crashedAt: return game.crashedAt;
    case Field.memory: return game.memory;
    case Field.msgArrival: return game.msgArrival;
    case Field.msgValue: return game.msgValue;
    case Field.msgTag: return game.msgTag;
    case Field.relayValue: return game.relayValue;
    case Field.sampleWho: return game.sampleWho;
    case Field.sampleAnswer: return game.sampleAnswer;
    case Field.lastValue: return game.lastValue;
    case Field.lastSentRound: return game.lastSentRound;
    case Field.firstArrival: return game.firstArrival;
    case Field.preferenceHistory: return game.preferenceHistory;
    case Field.chainSigned: return game.chainSigned;
  }
}

/** The name of the array a Field code names (Field's keys by value). */
export const FIELD_NAMES: readonly EpisodeFieldName[] = Object.keys(Field) as EpisodeFieldName[];

export interface ViewVisitor {
  /** One number agent h can read: `array[index] = value` for the array `field` names. */
  cell(field: Field, index: number, value: number): void;
}

// ---------------------------------------------------------------- where a seen cell lives

/** Index of agent h of slot b in the per-agent arrays (input, preference, decision, signed, …). */
export function agentIndex(game: GameBatch, b: number, h: number): number {
  return b * game.n + h;
}

/** Index of agent h's cell about agent j in the per-pair arrays (lastValue, lastSentRound, decisionVector): consecutive in j. */
export function pairIndex(game: GameBatch, b: number, h: number, j: number): number {
  return (b * game.n + h) * game.n + j;
}

/** Index of the envelope sender→recipient of round s in slot b (msgArrival, msgValue, msgTag). */
export function envelopeIndex(game: GameBatch, b: number, s: number, sender: number, recipient: number): number {
  return ((b * game.maxRounds + s - 1) * game.n + sender) * game.n + recipient;
}

/**
 * Index of envelope e's relay contents about chain `path` (relayValue): a slot of relayChains.ts,
 * where slot o is the one-hop chain from origin o.
 */
export function relayIndex(game: GameBatch, e: number, path: number): number {
  return e * game.chainSlots + path;
}

/** Index of the first of the k cells of agent h's round-s sample (sampleWho, sampleAnswer). */
export function sampleIndex(game: GameBatch, b: number, s: number, h: number): number {
  return ((b * game.maxRounds + s - 1) * game.n + h) * game.sampleSize;
}

/** Index of agent h's round-s cell in the per-round records (preferenceHistory). */
export function roundIndex(game: GameBatch, b: number, s: number, h: number): number {
  return (b * game.maxRounds + s - 1) * game.n + h;
}

// ---------------------------------------------------------------- reading what an agent sees

/**
 * Whether an envelope with arrival round `arrival` (its msgArrival cell) has reached its recipient
 * by the start of round r: sent (≠ 0) and arrived. Its value, tag and relay contents read from then on.
 */
export function arrivedBy(arrival: number, r: number): boolean {
  return arrival !== 0 && arrival <= r;
}

/** Whether agent h sampled in round s. */
export function sampled(game: GameBatch, b: number, h: number, s: number): boolean {
  return game.sampleWho[sampleIndex(game, b, s, h)]! >= 0;
}

/** The answer agent j gave to agent h's round-s sample; NO_ANSWER when j was not in it (or gave none). */
export function sampleAnswerFrom(game: GameBatch, b: number, h: number, s: number, j: number): number {
  const base = sampleIndex(game, b, s, h);
  for (let t = 0, k = game.sampleSize; t < k; t++) if (game.sampleWho[base + t] === j) return game.sampleAnswer[base + t]!;
  return NO_ANSWER;
}

/** Adds to `counts[v]` the answers of agent h's round-s sample. */
export function countSample(game: GameBatch, b: number, h: number, s: number, counts: Int32Array): void {
  const base = sampleIndex(game, b, s, h);
  for (let t = 0, k = game.sampleSize; t < k; t++) {
    const v = game.sampleAnswer[base + t]!;
    if (v >= 0) counts[v]! += 1;
  }
}

/** Agent h's preference at the start of round s ≤ the batch's round (its current one, or the record). */
export function preferenceAt(game: GameBatch, b: number, h: number, s: number): number {
  return s >= game.round ? game.preference[agentIndex(game, b, h)]! : game.preferenceHistory[roundIndex(game, b, s, h)]!;
}

// ---------------------------------------------------------------- visiting everything an agent sees

/** An envelope's contents (value, tag, relay contents by chain) — what its recipient reads once it is sent. */
export function visitEnvelope(game: GameBatch, e: number, visitor: ViewVisitor): void {
  visitor.cell(Field.msgValue, e, game.msgValue[e]!);
  visitor.cell(Field.msgTag, e, game.msgTag[e]!);
  if (game.hasRelays)
    for (let p = 0, P = game.chainSlots; p < P; p++) {
      const x = relayIndex(game, e, p);
      visitor.cell(Field.relayValue, x, game.relayValue[x]!);
    }
}

/** Agent h's own state: input, preference, decision (and vector), signatures, crash round, memory. */
export function visitOwn(game: GameBatch, b: number, h: number, visitor: ViewVisitor): void {
  const n = game.n;
  const a = agentIndex(game, b, h);
  visitor.cell(Field.input, a, game.input[a]!);
  visitor.cell(Field.preference, a, game.preference[a]!);
  visitor.cell(Field.decisionRound, a, game.decisionRound[a]!);
  visitor.cell(Field.decision, a, game.decision[a]!);
  if (game.hasVector)
    for (let j = 0; j < n; j++) {
      const x = pairIndex(game, b, h, j);
      visitor.cell(Field.decisionVector, x, game.decisionVector[x]!);
    }
  visitor.cell(Field.signed, a, game.signed[a]!);
  if (game.chainSigned.length > 0)
    for (let p = 0, P = game.chainSlots; p < P; p++) visitor.cell(Field.chainSigned, a * P + p, game.chainSigned[a * P + p]!);
  visitor.cell(Field.crashedAt, a, game.crashedAt[a]!);
  for (let m = 0, slots = game.memorySlots; m < slots; m++) visitor.cell(Field.memory, a * slots + m, game.memory[a * slots + m]!);
}

/**
 * Visits everything agent h of slot b can read, now or later: its own state, then per round
 * s < the current round, every envelope addressed to it (arrival; once sent its contents — in
 * flight too, since it will be read) and its sample of that round. With `derived`, also the
 * engine's caches of those (last values received, first arrival, preference history).
 */
export function visitView(game: GameBatch, b: number, h: number, visitor: ViewVisitor, derived = false): void {
  const n = game.n;
  visitOwn(game, b, h, visitor);
  const R = game.maxRounds;
  for (let s = 1; s < game.round && s <= R; s++) {
    for (let j = 0; j < n; j++) {
      if (j === h) continue;
      const e = envelopeIndex(game, b, s, j, h);
      const arrival = game.msgArrival[e]!;
      visitor.cell(Field.msgArrival, e, arrival);
      if (arrival !== 0) visitEnvelope(game, e, visitor);
    }
    if (game.hasSamples) {
      const base = sampleIndex(game, b, s, h);
      for (let t = 0, k = game.sampleSize; t < k; t++) {
        visitor.cell(Field.sampleWho, base + t, game.sampleWho[base + t]!);
        visitor.cell(Field.sampleAnswer, base + t, game.sampleAnswer[base + t]!);
      }
    }
  }
  if (!derived) return;
  const a = agentIndex(game, b, h);
  visitor.cell(Field.firstArrival, a, game.firstArrival[a]!);
  for (let j = 0; j < n; j++) {
    const x = pairIndex(game, b, h, j);
    visitor.cell(Field.lastValue, x, game.lastValue[x]!);
    visitor.cell(Field.lastSentRound, x, game.lastSentRound[x]!);
  }
  if (game.hasSamples)
    for (let s = 1; s <= R; s++) {
      const x = roundIndex(game, b, s, h);
      visitor.cell(Field.preferenceHistory, x, game.preferenceHistory[x]!);
    }
}
