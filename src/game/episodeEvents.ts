/**
 * One episode of a GameBatch as plain data — agents, every message envelope, every sample answer,
 * decisions, crashes and the verdict's facts — the one reading of the engine's recorded history
 * behind every picture of an episode: the text trace (`renderTrace`, src/game/trace.ts) and the
 * message-sequence chart (src/report/sequenceChart.ts).
 *
 * How the history reads: an envelope with arrival round 0 was never sent; a direct value and a
 * relay bundle may share one envelope (one message); an envelope with neither a value nor a claim
 * is an empty relay; a Byzantine faulty agent's sends and sample answers are the adversary's, and
 * so is a delay (arrival later than the next round) where timing is not sync. An unfinished
 * episode shows the rounds played so far. Nothing here re-derives a rule of the game.
 */
import { SILENT } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import { judgeEpisode, type EpisodeOutcome } from './judge.js';
import type { FaultKind, Scenario } from './scenario.js';
import { envelopeIndex, Field, visitEnvelope, type ViewVisitor } from './view.js';

export interface AgentFacts {
  id: number;
  /** The fault kind of a faulty agent, null for an honest one. */
  fault: FaultKind | null;
  /** Its input (meaningless for a Byzantine agent, whose moves are the adversary's). */
  input: number;
  /** Its preference at the end (sampling games only; null otherwise). */
  preference: number | null;
  /** `1`, or `[0 1 1]` under interactive consistency; null if it never decided. */
  decision: string | null;
  /** Round of the decision, null if it never decided. */
  decisionRound: number | null;
  /** Round in which it crashed, null if it did not. */
  crashedAt: number | null;
}

/** One envelope: what `from` sent `to` in round `sentRound` (a direct value, a relay bundle, or both). */
export interface MessageEvent {
  from: number;
  to: number;
  sentRound: number;
  /** Round at whose start `to` sees it; may exceed the horizon (never seen). */
  arrivalRound: number;
  /** The direct value, or null (a relay alone). */
  value: number | null;
  /** Protocol tag of the direct value (0 = none). */
  tag: number;
  /**
   * Relay claims "origin told me value" in chain-slot order (one-hop chains first, by origin); a
   * deeper chain has `via`: the relayers between the origin and `from` ("via[last] told me … origin
   * said value"). Empty when the envelope carries no relay.
   */
  claims: RelayClaim[];
  /** True when the envelope is (or includes) a relay bundle. */
  relay: boolean;
  /** Sent by a Byzantine faulty agent: the adversary chose it. */
  byAdversary: boolean;
  /** Delayed past the next round by the adversary (timing not sync). */
  delayed: boolean;
}

/** One relayed chain: origin → via… → the envelope's sender, with its value. */
export interface RelayClaim {
  origin: number;
  value: number;
  /** Relayers after the origin (chains deeper than one hop only). */
  via?: number[];
}

/** A claim as the trace writes it: `o:v`, or `o>h1>h2:v` for a chain through h1 and h2. */
export function claimLabel(c: RelayClaim): string {
  return `${c.origin}${c.via ? c.via.map((x) => `>${x}`).join('') : ''}:${c.value}`;
}

/** One answer to a sample query: `answerer` told `querier` its preference in `round`. */
export interface SampleEvent {
  querier: number;
  answerer: number;
  round: number;
  /** The answer, or null (no answer: the answerer had crashed). */
  answer: number | null;
  /** A Byzantine faulty answerer: the adversary chose the answer. */
  byAdversary: boolean;
}

export interface EpisodeEvents {
  scenario: Scenario;
  n: number;
  seed: number;
  episode: number;
  /** Rounds played (or, for an unfinished episode, rounds so far). */
  rounds: number;
  maxRounds: number;
  /** GST (partial-sync only). */
  gst: number | null;
  agents: AgentFacts[];
  /** In order of sent round, sender, recipient. */
  messages: MessageEvent[];
  /** In order of round, querier, sample slot. */
  samples: SampleEvent[];
  /** Messages the engine counted (an envelope is one, a sample query k). */
  messageCount: number;
  /** The judge's verdict on the episode (the trace's `verdictLine` words it). */
  outcome: EpisodeOutcome;
}

/** Reads episode slot b of `game` (finished or not). */
export function episodeEvents(game: GameBatch, b: number): EpisodeEvents {
  if (!(Number.isInteger(b) && b >= 0 && b < game.size)) throw new RangeError(`episodeEvents: episode slot ${b} is not in 0..${game.size - 1}`);
  const { n, scenario } = game;
  const base = b * n;
  const played = game.roundsPlayed[b]!;
  const rounds = played > 0 ? played : Math.min(game.round - 1, game.maxRounds);
  const byzantine = scenario.faults === 'byzantine';
  const timed = scenario.timing !== 'sync';
  const adversarial = (i: number) => byzantine && game.faulty[base + i] === 1;

  const agents: AgentFacts[] = [];
  for (let i = 0; i < n; i++) {
    const a = base + i;
    let decision: string | null = null;
    if (game.decisionRound[a] !== 0) {
      if (!game.hasVector) decision = String(game.decision[a]);
      else {
        const entries: number[] = [];
        for (let j = 0; j < n; j++) entries.push(game.decisionVector[a * n + j]!);
        decision = `[${entries.join(' ')}]`;
      }
    }
    agents.push({
      id: i,
      fault: game.faulty[a] === 1 ? scenario.faults : null,
      input: game.input[a]!,
      preference: game.hasSamples ? game.preference[a]! : null,
      decision,
      decisionRound: game.decisionRound[a] || null,
      crashedAt: game.crashedAt[a] || null,
    });
  }

  // An envelope's contents as its recipient reads them (view.ts), so that a new field shows here too.
  let value = SILENT, tag = 0;
  let claims: RelayClaim[] = [];
  const P = game.chainSlots;
  const contents: ViewVisitor = {
    cell(field, index, x) {
      if (field === Field.msgValue) value = x;
      else if (field === Field.msgTag) tag = x;
      else if (field === Field.relayValue && x !== SILENT) {
        const path = index % P;
        if (path < n) claims.push({ origin: path, value: x });
        else {
          const [origin, ...via] = game.chains!.agents(path);
          claims.push({ origin: origin!, value: x, via });
        }
      }
    },
  };
  const messages: MessageEvent[] = [];
  for (let s = 1; s <= rounds; s++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const e = envelopeIndex(game, b, s, i, j);
        const arrival = game.msgArrival[e]!;
        if (arrival === 0) continue;
        claims = [];
        visitEnvelope(game, e, contents);
        messages.push({
          from: i,
          to: j,
          sentRound: s,
          arrivalRound: arrival,
          value: value === SILENT ? null : value,
          tag: value === SILENT ? 0 : tag,
          claims,
          relay: claims.length > 0 || value === SILENT,
          byAdversary: adversarial(i),
          delayed: timed && arrival > s + 1,
        });
      }

  const samples: SampleEvent[] = [];
  if (game.hasSamples) {
    const k = game.sampleSize;
    for (let s = 1; s <= rounds; s++)
      for (let i = 0; i < n; i++) {
        if (!game.sampled(b, i, s)) continue;
        const first = ((b * game.maxRounds + s - 1) * n + i) * k;
        for (let t = 0; t < k; t++) {
          const who = game.sampleWho[first + t]!;
          const answer = game.sampleAnswer[first + t]!;
          samples.push({ querier: i, answerer: who, round: s, answer: answer < 0 ? null : answer, byAdversary: adversarial(who) });
        }
      }
  }

  return {
    scenario,
    n,
    seed: game.seed,
    episode: game.episodeIndex[b]!,
    rounds,
    maxRounds: game.maxRounds,
    gst: scenario.timing === 'partial-sync' ? game.gst[b]! : null,
    agents,
    messages,
    samples,
    messageCount: game.messageCount[b]!,
    outcome: judgeEpisode(game, b),
  };
}
