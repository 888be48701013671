/**
 * What an agent can see, defined once (OpenSpiel's information state): agent h of episode b reads
 * its own input, preference, decision, memory and signatures, every envelope addressed to it (its
 * arrival round, and once sent its value, tag and relay contents), and whom its samples queried
 * and what they answered. Nothing else of the episode — other agents' state, envelopes between
 * others, who is faulty, GST, the random streams — may change what a protocol does for h.
 *
 * Three readers rest on this one definition: the verifier's memo key (src/verify/_internals/keys.ts,
 * exact only if it holds every cell visited here), the conformance check that a protocol does not
 * peek (conformance.ts, which perturbs every cell *not* visited here), and the episode's events
 * (episodeEvents.ts, which read envelopes through `visitEnvelope`). A new state field an agent
 * can read is added here, and all three follow; `EPISODE_FIELDS` classifies every per-episode
 * array of the engine, and a test fails when one is missing.
 *
 * Visiting allocates nothing: a visitor is a plain object whose `cell` is called per number.
 */
import type { GameBatch } from './GameBatch.js';

/** Per-episode arrays of GameBatch, as codes (a visitor is told which array each number comes from). */
export const Field = {
  input: 0, preference: 1, decisionRound: 2, decision: 3, decisionVector: 4, signed: 5, crashedAt: 6, memory: 7,
  msgArrival: 8, msgValue: 9, msgTag: 10, relayValue: 11, sampleWho: 12, sampleAnswer: 13,
  // Derived: functions of the cells above (caches the engine keeps), visited only on request.
  lastValue: 14, lastSentRound: 15, firstArrival: 16, preferenceHistory: 17,
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
  sampleWho: 'seen', sampleAnswer: 'seen',
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
  }
}

/** The name of the array a Field code names (Field's keys by value). */
export const FIELD_NAMES: readonly EpisodeFieldName[] = Object.keys(Field) as EpisodeFieldName[];

export interface ViewVisitor {
  /** One number agent h can read: `array[index] = value` for the array `field` names. */
  cell(field: Field, index: number, value: number): void;
}

/** Index of the envelope sender→recipient of round s in slot b (message arrays; relays at ·n + origin). */
export function envelopeIndex(game: GameBatch, b: number, s: number, sender: number, recipient: number): number {
  return ((b * game.maxRounds + s - 1) * game.n + sender) * game.n + recipient;
}

/** An envelope's contents (value, tag, relay contents by origin) — what its recipient reads once it is sent. */
export function visitEnvelope(game: GameBatch, e: number, visitor: ViewVisitor): void {
  visitor.cell(Field.msgValue, e, game.msgValue[e]!);
  visitor.cell(Field.msgTag, e, game.msgTag[e]!);
  if (game.hasRelays) for (let o = 0, n = game.n; o < n; o++) visitor.cell(Field.relayValue, e * n + o, game.relayValue[e * n + o]!);
}

/** Agent h's own state: input, preference, decision (and vector), signatures, crash round, memory. */
export function visitOwn(game: GameBatch, b: number, h: number, visitor: ViewVisitor): void {
  const n = game.n;
  const a = b * n + h;
  visitor.cell(Field.input, a, game.input[a]!);
  visitor.cell(Field.preference, a, game.preference[a]!);
  visitor.cell(Field.decisionRound, a, game.decisionRound[a]!);
  visitor.cell(Field.decision, a, game.decision[a]!);
  if (game.hasVector) for (let j = 0; j < n; j++) visitor.cell(Field.decisionVector, a * n + j, game.decisionVector[a * n + j]!);
  visitor.cell(Field.signed, a, game.signed[a]!);
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
      const e = ((b * R + s - 1) * n + j) * n + h;
      const arrival = game.msgArrival[e]!;
      visitor.cell(Field.msgArrival, e, arrival);
      if (arrival !== 0) visitEnvelope(game, e, visitor);
    }
    if (game.hasSamples) {
      const k = game.sampleSize;
      const base = ((b * R + s - 1) * n + h) * k;
      for (let t = 0; t < k; t++) {
        visitor.cell(Field.sampleWho, base + t, game.sampleWho[base + t]!);
        visitor.cell(Field.sampleAnswer, base + t, game.sampleAnswer[base + t]!);
      }
    }
  }
  if (!derived) return;
  const a = b * n + h;
  visitor.cell(Field.firstArrival, a, game.firstArrival[a]!);
  for (let j = 0; j < n; j++) {
    visitor.cell(Field.lastValue, a * n + j, game.lastValue[a * n + j]!);
    visitor.cell(Field.lastSentRound, a * n + j, game.lastSentRound[a * n + j]!);
  }
  if (game.hasSamples) for (let s = 1; s <= R; s++) visitor.cell(Field.preferenceHistory, (b * R + s - 1) * n + h, game.preferenceHistory[(b * R + s - 1) * n + h]!);
}
