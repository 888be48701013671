/**
 * Observations for learned honest policies (GAME.md §7): one flat `Float32Array` row per agent,
 * with named slices so that the network, the trace printer and the dashboard agree on what each
 * number means.
 *
 * Honest agents share one policy, so everything about other agents is in RELATIVE order: agent i
 * sees the others as +1, +2, …, +(n−1) (agent (i+p) mod n is "+p"). Only under
 * `faultyPlacement` = fixed, where an absolute id carries information, is the own id added.
 *
 * | slice | when | groups × width | encoding |
 * |---|---|---|---|
 * | `ownInput` | always | 1 × V | one-hot |
 * | `ownPreference` | slush, sampling (elsewhere it equals the input) | 1 × V | one-hot |
 * | `decided` | always | 1 × 1 | bit |
 * | `round` | always | 1 × R | one-hot over rounds 1..R |
 * | `ownId` | faultyPlacement = fixed | 1 × n | one-hot, absolute |
 * | `senderIndex` | broadcast | 1 × n | one-hot, relative (0 = I am the sender) |
 * | `received` | identity ≠ anonymous, message view per-sender | (n−1) × (1+V) | one-hot {none} ∪ V per sender +1..+(n−1): the last message received from it (`game.lastReceived`) |
 * | `receivedCounts` | anonymous | 1 × V | fraction: messages of each value that arrived at the start of this round, / ((n−1)(1+D)) |
 * | `relayed` | relay actions, message view per-sender | (n−1)(n−1) × (1+V) | one-hot {none} ∪ V per (relayer +p, origin +q), q ≠ p, q = 0 is the observer itself; the relays that arrived at the start of this round |
 * | `relayedVerified` | relay actions, pki, message view per-sender | (n−1)(n−1) × 1 | bit: that relay carries its origin's signature |
 * | `accepted` | message view accepted (pki, relay actions, sync) | (n−1) × V | bits per other +1..+(n−1): the values of it accepted by Dolev–Strong's rule (its own round-1 message, or a relay sent in round 2) |
 * | `sampleCounts` | slush, sampling | 1 × V | fraction: answers of each value in the agent's last sample, / k |
 * | `sampleRecord` | sample view record (slush, sampling) | (n−1)R × (1+V) | one-hot {none} ∪ V per (other +p, round s), other-major: the answer +p gave to the agent's round-s sample (none: not asked, no answer, or round s not played yet) |
 * | `sampleInput` | sample view summary (slush, sampling) | (n−1) × (1+V) | one-hot {unknown} ∪ V per other: its answer to the agent's round-1 sample, which is its input (a preference starts as the input) |
 * | `sampleKept` | sample view summary | (n−1) × V | bits per other: it answered v to the agent's samples of rounds 1 and 2 (it kept its input through its first sample) |
 * | `sampleLast` | sample view summary | (n−1) × (1+V) | one-hot {none} ∪ V per other: the latest answer it gave the agent |
 * | `sampleMoved` | sample view summary | (n−1) × V | bits per other: it answered the agent's round-2 sample and later v, a different value (it changed its preference after round 1) |
 *
 * (V values, n agents, R rounds, k sample size, D max delay; groups are in the order listed, relay
 * groups relayer-major.) With a history window H > 1, a row stacks H frames, frame t (t = 0 the
 * current round) at offset t·frameSize; a frame for a round before 1 is all zeros. Every number is
 * in [0, 1].
 *
 * What an agent can see is defined in view.ts; every number here is read through its index
 * arithmetic and readers, and a test (test/game/observation.test.ts) transplants what `visitView`
 * visits for agent h into another episode and expects h's rows unchanged: a learned policy sees no
 * more than the verifier's memo key holds.
 *
 * Under pki the engine rejects forged relays, so every relayed value it delivers is genuinely
 * signed: `relayedVerified` is 1 exactly where a value arrived. It is there so that one network
 * can tell proofs (pki) from hearsay (authenticated) — same slot, different meaning.
 */
import { NO_ANSWER, SILENT, usesSamples } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import { MAX_ROUNDS, relayDepthOf, type Scenario } from './scenario.js';
import * as view from './view.js';

// Module-local names for view.ts's readers: V8 folds a module's own constants into the hot loops
// below but loads an imported binding afresh at every call (measured: 6–14% of observe/paper and
// observe/pki accepted).
const { agentIndex, arrivedBy, countSample, envelopeIndex, pairIndex, preferenceAt, relayIndex, sampleAnswerFrom, sampled } = view;

export type SliceName =
  | 'ownInput'
  | 'ownPreference'
  | 'decided'
  | 'round'
  | 'ownId'
  | 'senderIndex'
  | 'received'
  | 'receivedCounts'
  | 'relayed'
  | 'relayedVerified'
  | 'accepted'
  | 'sampleCounts'
  | 'sampleRecord'
  | 'sampleInput'
  | 'sampleKept'
  | 'sampleLast'
  | 'sampleMoved';

/** How a slice's numbers read: one-hot per group, independent bits, or fractions in [0, 1]. */
export type SliceEncoding = 'one-hot' | 'bit' | 'fraction';

/** One named region of a frame: `groups` consecutive groups of `width` numbers each. */
export interface ObservationSlice {
  readonly name: SliceName;
  /** Offset inside a frame (add t·frameSize for frame t of the history window). */
  readonly offset: number;
  /** groups × width. */
  readonly length: number;
  readonly groups: number;
  readonly width: number;
  readonly encoding: SliceEncoding;
  /** Label of each group (`+1`, `+2→+0`, …), for printing. */
  readonly groupLabels: readonly string[];
  /** Label of each position within a group (`none`, `0`, `1`, …). */
  readonly labels: readonly string[];
  /**
   * Where value 0 sits in each group when the group's positions are the V values (after `none`,
   * say); undefined when they are not values. A value frame (policy/valueFrame.ts) rotates them.
   */
  readonly valueColumn: number | undefined;
  /** The agent's own input: the value frame's reference, left absolute unless the frame hides it. */
  readonly anchorsValueFrame: boolean;
  /**
   * How groups name other agents, in relative order: `other` — groups/(n−1) consecutive groups per
   * other +1..+(n−1); `pair` — a group per (other +p, agent +q ≠ +p), p-major, +0 being the agent
   * itself; undefined — no other agent. A reordering of the others (policy/othersOrder.ts) moves them.
   */
  readonly others: 'other' | 'pair' | undefined;
}

export interface ObserverOptions {
  /** History window H: frames of the last H rounds stacked in one row (default 1). */
  history?: number;
  /**
   * How messages and relays are shown (default `per-sender`: GAME.md §7's `received` and
   * `relayed` slots). `accepted` (pki, relay actions): instead of them, per other agent o the
   * values the agent holds o's signature on with as many signatures as rounds they took — sent by
   * o directly in round 1, or relayed in round 2 — Dolev–Strong's acceptance rule for one-hop
   * relays. Nothing a faulty agent says later, or only to some, enters it; it does part of a pki
   * protocol's work for the network (a proposed amendment: docs/GAME.md §10).
   */
  messageView?: MessageView;
  /**
   * How samples are shown (default `counts`: GAME.md §7's counts of the last sample's answers).
   * `record` (slush, sampling): also, per other agent and round, the answer it gave to the agent's
   * sample of that round — the agent's whole sample view, who said what when, which counts lose
   * (a proposed amendment: docs/GAME.md §10).
   * `summary` (slush, sampling): instead of the record, per other agent what its answers say in a
   * few numbers — its input if the agent's round-1 sample heard it, whether it answered that input
   * again in round 2, its latest answer, whether that differs from its round-2 answer — so that "who
   * kept its input" and "who changed its mind after round 1, and to what" are single numbers a
   * small network reads directly (GAME.md §10.16).
   */
  sampleView?: SampleView;
}

export type SampleView = 'counts' | 'record' | 'summary';
export const SAMPLE_VIEWS: readonly SampleView[] = ['counts', 'record', 'summary'];

/** Why a scenario cannot use sample view `view`, or undefined. */
export function refuseSampleView(scenario: Scenario, view: SampleView): string | undefined {
  if (view !== 'counts' && !usesSamples(scenario))
    return `sampleView ${view}: needs the slush or sampling action space (got ${scenario.honestActions})`;
  return undefined;
}

export type MessageView = 'per-sender' | 'accepted';
export const MESSAGE_VIEWS: readonly MessageView[] = ['per-sender', 'accepted'];

/** Why a scenario cannot use `view`, or undefined. */
export function refuseMessageView(scenario: Scenario, view: MessageView): string | undefined {
  if (view === 'accepted' && (scenario.identity !== 'pki' || scenario.honestActions !== 'relay'))
    return `messageView accepted: needs identity=pki and relay actions (got ${scenario.identity}, ${scenario.honestActions})`;
  if (view === 'accepted' && scenario.timing !== 'sync') return `messageView accepted: needs sync timing (got ${scenario.timing})`;
  // It applies Dolev–Strong's rule to one-hop relays; deeper chains would need it per chain length.
  if (view === 'accepted' && relayDepthOf(scenario) > 2)
    return `messageView accepted: reads one-hop relays only, needs relayDepth=2 (got ${relayDepthOf(scenario)})`;
  return undefined;
}

/**
 * Builds observation rows for every agent of a GameBatch of one scenario.
 *
 * @example
 * const observer = new Observer(scenario);
 * const rows = new Float32Array(game.size * game.n * observer.size);
 * observer.observe(game, rows); // row of agent i in episode b at (b·n + i)·size
 */
/**
 * `game.lastValue` as it stood at the start of round r: the value of the latest-sent message from j
 * that had arrived at i by then (silent ones do not overwrite it).
 */
function lastValueAt(game: GameBatch, b: number, i: number, j: number, r: number): number {
  for (let s = r - 1; s >= 1; s--) {
    const e = envelopeIndex(game, b, s, j, i);
    if (!arrivedBy(game.msgArrival[e]!, r)) continue;
    const value = game.msgValue[e]!;
    if (value !== SILENT) return value;
  }
  return SILENT;
}

export class Observer {
  /** Frames stacked in a row (H). */
  readonly history: number;
  /** Numbers per frame. */
  readonly frameSize: number;
  /** Numbers per row: history × frameSize. */
  readonly size: number;
  /** The slices of one frame, in offset order; they tile [0, frameSize) exactly. */
  readonly slices: readonly ObservationSlice[];
  readonly messageView: MessageView;
  readonly sampleView: SampleView;

  private readonly n: number;
  private readonly V: number;
  private readonly R: number;
  private readonly k: number;
  private readonly maxDelay: number;
  private readonly countScratch: Int32Array;
  private readonly envelopeScratch: Int32Array;
  private readonly at: Partial<Record<SliceName, number>>;

  constructor(readonly scenario: Scenario, options: ObserverOptions = {}) {
    const history = options.history ?? 1;
    if (!(Number.isInteger(history) && history >= 1 && history <= MAX_ROUNDS))
      throw new RangeError(`observer: history must be an integer in 1..${MAX_ROUNDS} (got ${history})`);
    const { n, values: V, maxRounds: R, sampleSize: k } = scenario;
    this.history = history;
    this.n = n;
    this.V = V;
    this.R = R;
    this.k = k;
    this.maxDelay = scenario.timing === 'sync' ? 0 : scenario.maxDelay;
    this.countScratch = new Int32Array(V);
    this.envelopeScratch = new Int32Array(this.maxDelay + 1);

    const valueLabels = Array.from({ length: V }, (_, v) => String(v));
    const noneOrValue = ['none', ...valueLabels];
    const rel = (p: number) => `+${p}`;
    const slices: ObservationSlice[] = [];
    let offset = 0;
    interface Parts {
      valueColumn?: number;
      anchorsValueFrame?: boolean;
      others?: 'other' | 'pair';
    }
    const add = (name: SliceName, groups: number, width: number, encoding: SliceEncoding, groupLabels: string[], labels: string[], parts: Parts = {}) => {
      const { valueColumn, anchorsValueFrame = false, others } = parts;
      slices.push({ name, offset, length: groups * width, groups, width, encoding, groupLabels, labels, valueColumn, anchorsValueFrame, others });
      offset += groups * width;
    };
    const values = { valueColumn: 0 }, noneThenValues = { valueColumn: 1 };
    const samples = usesSamples(scenario);
    const others = Array.from({ length: n - 1 }, (_, t) => rel(t + 1));
    add('ownInput', 1, V, 'one-hot', ['self'], valueLabels, { ...values, anchorsValueFrame: true });
    if (samples) add('ownPreference', 1, V, 'one-hot', ['self'], valueLabels, values);
    add('decided', 1, 1, 'bit', ['self'], ['decided']);
    add('round', 1, R, 'one-hot', ['round'], Array.from({ length: R }, (_, r) => String(r + 1)));
    if (scenario.faultyPlacement === 'fixed') add('ownId', 1, n, 'one-hot', ['self'], Array.from({ length: n }, (_, i) => String(i)));
    if (scenario.problem === 'broadcast') add('senderIndex', 1, n, 'one-hot', ['sender'], Array.from({ length: n }, (_, p) => rel(p)));
    const view = options.messageView ?? 'per-sender';
    this.messageView = view;
    const refused = refuseMessageView(scenario, view);
    if (refused) throw new RangeError(`observer: ${refused}`);
    if (view === 'accepted') add('accepted', n - 1, V, 'bit', others, valueLabels, { ...values, others: 'other' });
    else if (scenario.identity === 'anonymous') add('receivedCounts', 1, V, 'fraction', ['all'], valueLabels, values);
    else add('received', n - 1, 1 + V, 'one-hot', others, noneOrValue, { ...noneThenValues, others: 'other' });
    if (scenario.honestActions === 'relay' && view === 'per-sender') {
      const pairs: string[] = [];
      for (let p = 1; p < n; p++) for (let q = 0; q < n; q++) if (q !== p) pairs.push(`${rel(p)}→${rel(q)}`);
      add('relayed', pairs.length, 1 + V, 'one-hot', pairs, noneOrValue, { ...noneThenValues, others: 'pair' });
      if (scenario.identity === 'pki') add('relayedVerified', pairs.length, 1, 'bit', pairs, ['verified'], { others: 'pair' });
    }
    if (samples) add('sampleCounts', 1, V, 'fraction', ['sample'], valueLabels, values);
    const sampleView = options.sampleView ?? 'counts';
    this.sampleView = sampleView;
    const sampleRefused = refuseSampleView(scenario, sampleView);
    if (sampleRefused) throw new RangeError(`observer: ${sampleRefused}`);
    if (sampleView === 'record') {
      const pairs: string[] = [];
      for (const other of others) for (let s = 1; s <= R; s++) pairs.push(`${other}@r${s}`);
      add('sampleRecord', (n - 1) * R, 1 + V, 'one-hot', pairs, noneOrValue, { ...noneThenValues, others: 'other' });
    }
    if (sampleView === 'summary') {
      // The input slice comes first: a canonical order of the others (policy/othersOrder.ts) then
      // puts the agents whose inputs are known first, by input, and the unheard ones last.
      add('sampleInput', n - 1, 1 + V, 'one-hot', others, ['unknown', ...valueLabels], { ...noneThenValues, others: 'other' });
      add('sampleKept', n - 1, V, 'bit', others, valueLabels, { ...values, others: 'other' });
      add('sampleLast', n - 1, 1 + V, 'one-hot', others, noneOrValue, { ...noneThenValues, others: 'other' });
      add('sampleMoved', n - 1, V, 'bit', others, valueLabels, { ...values, others: 'other' });
    }

    this.slices = slices;
    this.frameSize = offset;
    this.size = offset * history;
    this.at = Object.fromEntries(slices.map((s) => [s.name, s.offset]));
  }

  /** The slice named `name`, or undefined if this scenario's observation has none. */
  slice(name: SliceName): ObservationSlice | undefined {
    return this.slices.find((s) => s.name === name);
  }

  /**
   * Writes the observation of every agent of every episode: `out` is `[game.size · n, size]`,
   * row b·n + i for agent i of episode b (rows of ended episodes are written too, as they stand).
   * Allocates nothing after the first call for a given batch size. Call it once per round, before
   * acting (any order works: a history window is rebuilt from the record).
   */
  observe(game: GameBatch, out: Float32Array): void {
    const rows = game.size * this.n;
    if (game.scenario !== this.scenario && (game.n !== this.n || game.values !== this.V || game.maxRounds !== this.R))
      throw new RangeError(`observer: built for n=${this.n}, V=${this.V}, R=${this.R} but the batch has n=${game.n}, V=${game.values}, R=${game.maxRounds}`);
    if (out.length < rows * this.size)
      throw new RangeError(`observer: out holds ${out.length} numbers, needs batch·n·size = ${game.size}·${this.n}·${this.size} = ${rows * this.size}`);
    if (this.history === 1) {
      this.writeFrames(game, out, this.size);
      return;
    }
    this.observeWithHistory(game, out, rows);
  }

  /**
   * Frame t of row a is the frame agent a saw t rounds ago, rebuilt from the batch's record (the
   * message history, decision rounds, sample and preference records), not kept from earlier calls:
   * a state the verifier restores, or a round replayed out of order, reads the same as in play.
   */
  private observeWithHistory(game: GameBatch, out: Float32Array, rows: number): void {
    const { history: H, frameSize, size } = this;
    const r = game.round;
    for (let t = 0; t < H; t++) {
      const past = r - t;
      if (past >= 1) this.writeFrames(game, out, size, t * frameSize, past);
      else
        for (let row = 0; row < rows; row++) {
          const dst = row * size + t * frameSize;
          for (let x = 0; x < frameSize; x++) out[dst + x] = 0; // cheaper than fill() on short rows
        }
    }
  }

  /**
   * Writes every agent's frame of round `r` (≤ the batch's round) into `out`: row stride `stride`,
   * starting `frameOffset` into each row.
   */
  private writeFrames(game: GameBatch, out: Float32Array, stride: number, frameOffset = 0, r = game.round): void {
    const { n, V, R } = this;
    const at = this.at;
    const current = r === game.round;
    const frameSize = this.frameSize;
    const ownPreference = at.ownPreference ?? -1;
    const ownId = at.ownId ?? -1;
    const senderIndex = at.senderIndex ?? -1;
    const received = at.received ?? -1;
    const receivedCounts = at.receivedCounts ?? -1;
    const relayed = at.relayed ?? -1;
    const sampleCounts = at.sampleCounts ?? -1;
    const sampleRecord = at.sampleRecord ?? -1;
    const sampleSummary = at.sampleInput ?? -1;
    const accepted = at.accepted ?? -1;
    const ownInput = at.ownInput!;
    const decided = at.decided!;
    const round = at.round!;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        const a = agentIndex(game, b, i);
        const row = (b * n + i) * stride + frameOffset;
        for (let x = row; x < row + frameSize; x++) out[x] = 0; // cheaper than fill() on short rows
        out[row + ownInput + game.input[a]!] = 1;
        if (ownPreference >= 0) out[row + ownPreference + preferenceAt(game, b, i, r)] = 1;
        if (game.decisionRound[a] !== 0 && game.decisionRound[a]! < r) out[row + decided] = 1;
        if (r <= R) out[row + round + r - 1] = 1;
        if (ownId >= 0) out[row + ownId + i] = 1;
        if (senderIndex >= 0) out[row + senderIndex + (n - i) % n] = 1;
        if (received >= 0) {
          const lastValues = pairIndex(game, b, i, 0); // agent i's cells about j follow at +j
          for (let p = 1; p < n; p++) {
            const j = i + p < n ? i + p : i + p - n;
            const value = current ? game.lastValue[lastValues + j]! : lastValueAt(game, b, i, j, r);
            out[row + received + (p - 1) * (1 + V) + 1 + value] = 1;
          }
        }
        if (receivedCounts >= 0) this.writeArrivalCounts(game, b, i, r, out, row + receivedCounts);
        if (accepted >= 0) this.writeAccepted(game, b, i, r, out, row + accepted);
        if (relayed >= 0) this.writeRelays(game, b, i, r, out, row);
        if (sampleCounts >= 0) this.writeSampleCounts(game, b, i, r, out, row + sampleCounts);
        if (sampleRecord >= 0) this.writeSampleRecord(game, b, i, r, out, row + sampleRecord);
        if (sampleSummary >= 0) this.writeSampleSummary(game, b, i, r, out, row);
      }
    }
  }

  /**
   * For each other agent o (relative order), the values of o accepted by the start of round r:
   * o's direct message of round 1, and every relay about o sent in round 2 (sync: arrived by r).
   */
  private writeAccepted(game: GameBatch, b: number, i: number, r: number, out: Float32Array, at: number): void {
    const { n, V } = this;
    for (let p = 1; p < n; p++) {
      const o = (i + p) % n;
      const group = at + (p - 1) * V;
      const direct = envelopeIndex(game, b, 1, o, i);
      if (r >= 2 && arrivedBy(game.msgArrival[direct]!, r)) {
        const value = game.msgValue[direct]!;
        if (value !== SILENT) out[group + value] = 1;
      }
      if (r >= 3)
        for (let j = 0; j < n; j++) {
          if (j === i || j === o) continue;
          const e = envelopeIndex(game, b, 2, j, i);
          if (!arrivedBy(game.msgArrival[e]!, r)) continue;
          const relayed = game.relayValue[relayIndex(game, e, o)]!;
          if (relayed !== SILENT) out[group + relayed] = 1;
        }
    }
  }

  /** Anonymous view: how many messages of each value arrived at the start of this round. */
  private writeArrivalCounts(game: GameBatch, b: number, i: number, r: number, out: Float32Array, at: number): void {
    const { n, V } = this;
    const counts = this.countScratch;
    for (let v = 0; v < this.V; v++) counts[v] = 0; // fill() costs more than it saves on ≤ 4 numbers
    for (let s = r - 1; s >= 1 && s >= r - 1 - this.maxDelay; s--) {
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const e = envelopeIndex(game, b, s, j, i);
        if (game.msgArrival[e] !== r) continue;
        const v = game.msgValue[e]!;
        if (v >= 0) counts[v]! += 1;
      }
    }
    const scale = 1 / ((n - 1) * (1 + this.maxDelay));
    for (let v = 0; v < V; v++) out[at + v] = counts[v]! * scale;
  }

  /** For each (relayer +p, origin +q): the latest-sent relay about the origin that arrived at the start of this round. */
  private writeRelays(game: GameBatch, b: number, i: number, r: number, out: Float32Array, row: number): void {
    const { n, V } = this;
    const at = row + this.at.relayed!;
    const verified = this.at.relayedVerified === undefined ? -1 : row + this.at.relayedVerified;
    const arrivedEnvelopes = this.envelopeScratch;
    let group = 0;
    for (let p = 1; p < n; p++) {
      const j = (i + p) % n;
      // The envelopes from j that arrive now (one under sync; up to 1+D with delays), latest-sent first.
      let arrived = 0;
      for (let s = r - 1; s >= 1 && s >= r - 1 - this.maxDelay; s--) {
        const e = envelopeIndex(game, b, s, j, i);
        if (game.msgArrival[e] === r) arrivedEnvelopes[arrived++] = e;
      }
      for (let q = 0; q < n; q++) {
        if (q === p) continue;
        const o = (i + q) % n;
        let value = SILENT;
        for (let t = 0; t < arrived && value === SILENT; t++) value = game.relayValue[relayIndex(game, arrivedEnvelopes[t]!, o)]!;
        out[at + group * (1 + V) + 1 + value] = 1;
        if (verified >= 0 && value !== SILENT) out[verified + group] = 1;
        group++;
      }
    }
  }

  /** Per other agent (relative order) and round s < r: the answer it gave to agent i's round-s sample. */
  private writeSampleRecord(game: GameBatch, b: number, i: number, r: number, out: Float32Array, at: number): void {
    const { n, V, R } = this;
    const last = Math.min(r - 1, R);
    for (let p = 1; p < n; p++) {
      const j = i + p < n ? i + p : i + p - n;
      const group = at + (p - 1) * R * (1 + V);
      for (let s = 1; s <= last; s++) out[group + (s - 1) * (1 + V) + 1 + sampleAnswerFrom(game, b, i, s, j)] = 1;
      for (let s = last + 1; s <= R; s++) out[group + (s - 1) * (1 + V)] = 1;
    }
  }

  /**
   * Per other agent (relative order), its answers to agent i's samples of rounds s < r summed up:
   * the round-1 answer (its input), the round-1 answer repeated in round 2, the latest answer, and
   * the latest answer where it differs from the round-2 one. Rounds 1 and 2 are singled out because
   * they bracket every agent's first sample: an agent that kept its input through it saw that input
   * held by a majority of what it heard, and one that changed later had been outvoted
   * (protocols/slushTracking.ts reads the same two facts).
   */
  private writeSampleSummary(game: GameBatch, b: number, i: number, r: number, out: Float32Array, row: number): void {
    const { n, V, R } = this;
    const at = this.at;
    const last = Math.min(r - 1, R);
    for (let p = 1; p < n; p++) {
      const j = i + p < n ? i + p : i + p - n;
      const input = last >= 1 ? sampleAnswerFrom(game, b, i, 1, j) : NO_ANSWER;
      const second = last >= 2 ? sampleAnswerFrom(game, b, i, 2, j) : NO_ANSWER;
      let latest = NO_ANSWER;
      for (let s = last; s >= 1 && latest === NO_ANSWER; s--) latest = sampleAnswerFrom(game, b, i, s, j);
      out[row + at.sampleInput! + (p - 1) * (1 + V) + 1 + input] = 1;
      if (input !== NO_ANSWER && second === input) out[row + at.sampleKept! + (p - 1) * V + input] = 1;
      out[row + at.sampleLast! + (p - 1) * (1 + V) + 1 + latest] = 1;
      if (second !== NO_ANSWER && latest !== second) out[row + at.sampleMoved! + (p - 1) * V + latest] = 1;
    }
  }

  /** Counts of each value among the answers of the agent's most recent sample. */
  private writeSampleCounts(game: GameBatch, b: number, i: number, r: number, out: Float32Array, at: number): void {
    const counts = this.countScratch;
    for (let v = 0; v < this.V; v++) counts[v] = 0; // fill() costs more than it saves on ≤ 4 numbers
    for (let s = Math.min(r, this.R + 1) - 1; s >= 1; s--) {
      if (!sampled(game, b, i, s)) continue;
      countSample(game, b, i, s, counts);
      break;
    }
    const scale = 1 / this.k;
    for (let v = 0; v < this.V; v++) out[at + v] = counts[v]! * scale;
  }

  /**
   * One observation row as text, slice by slice (`ownInput=1 decided=0 round=2 received=[+1:0 +2:none]`),
   * for traces and debugging. `row` is one agent's `size` numbers.
   */
  describe(row: Float32Array | readonly number[], frame = 0): string {
    const base = frame * this.frameSize;
    const parts: string[] = [];
    if (this.history > 1) parts.push(`t-${frame}:`);
    for (const slice of this.slices) {
      const groups: string[] = [];
      for (let g = 0; g < slice.groups; g++) {
        const start = base + slice.offset + g * slice.width;
        const cells = Array.from({ length: slice.width }, (_, c) => row[start + c]!);
        let text: string;
        if (slice.encoding === 'one-hot') {
          const hot = cells.findIndex((x) => x === 1);
          text = hot < 0 ? '-' : slice.labels[hot]!;
        } else if (slice.encoding === 'bit') {
          const set = cells.flatMap((x, c) => (x === 1 ? [slice.labels[c]!] : []));
          text = slice.width === 1 ? (cells[0] === 1 ? '1' : '0') : set.length ? `{${set.join(',')}}` : '-';
        }
        else text = cells.map((x, c) => `${slice.labels[c]}:${Number(x.toFixed(3))}`).join(',');
        groups.push(slice.groups === 1 ? text : `${slice.groupLabels[g]}:${text}`);
      }
      parts.push(slice.groups === 1 ? `${slice.name}=${groups[0]}` : `${slice.name}=[${groups.join(' ')}]`);
    }
    return parts.join(' ');
  }
}
