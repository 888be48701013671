/**
 * The rules engine: a batch of episodes of one scenario, as struct-of-arrays over typed arrays.
 *
 * Three users, one engine:
 * - learned policies read flat observations built from it (`observation.ts`);
 * - hand-written protocols read each agent's view of the message history (the accessors below);
 * - the verifier sets every chance and adversary choice explicitly (`setup`, `AdversaryActions`)
 *   and branches states (`copyEpisodeFrom`).
 *
 * All episodes of a batch advance in lockstep, one round per `step`; an episode that has ended
 * is skipped. Each episode draws from its own random streams (rng.ts), so an episode's outcome
 * does not depend on the batch it ran in.
 *
 * | layout | shape |
 * |---|---|
 * | per agent | `[batch, n]` |
 * | message history | `[batch, sentRound, sender, recipient]` (value, tag, arrival round) |
 * | relay history | `[batch, sentRound, relayer, recipient, chain]` (chain: a path slot of relayChains.ts; slot o = origin o) |
 * | chains signed (pki, depth > 2) | `[batch, agent, chain]` bitmask of values the agent forwarded on that chain |
 * | sample history | `[batch, round, querier, k]` (who, answer) |
 */
import { AdversaryActions, HonestActions, IllegalActionError, NO_ANSWER, SILENT, usesDecisionVector, usesRelays, usesSamples } from './actions.js';
import { formatBytes, refuseOverMemoryLimit } from './memoryLimit.js';
import { nextInt, nextFloat, pickWeighted, RNG_WORDS, seedEpisodeStreams, Stream, STREAM_COUNT } from './rng.js';
import { chainSlotCount, RelayChains } from './relayChains.js';
import { relayDepthOf, type Scenario } from './scenario.js';

const SPACE_PAPER = 0, SPACE_FREE = 1, SPACE_RELAY = 2, SPACE_SLUSH = 3, SPACE_SAMPLING = 4;
const SPACE_CODES = { paper: SPACE_PAPER, free: SPACE_FREE, relay: SPACE_RELAY, slush: SPACE_SLUSH, sampling: SPACE_SAMPLING } as const;

/** Marks an envelope (sender→recipient in one round) that carries something but is not yet scheduled. */
const PENDING = 255;

export type PerEpisodeArray = Int8Array | Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * A replacement for the random draws inside episodes (`GameBatch.chanceSource`): the verifier's
 * enumeration of honest coins and sample draws, or a recorded sequence replayed.
 */
export interface ChanceSource {
  /** An integer in [0, bound) for slot b's next draw (a uniform draw in the engine's own streams). */
  int(b: number, bound: number): number;
  /** An index in [0, count) for slot b's next draw, standing for probability weights[from + k] / Σ weights. */
  pick(b: number, weights: ArrayLike<number>, from: number, count: number): number;
}

export interface GameBatchOptions {
  /** Episodes in the batch. */
  size: number;
  /** The run's seed; episode e draws from streams derived from (seed, e). */
  seed?: number;
  /** Int32 slots of private memory per agent for hand-written protocols (e.g. a phase counter). */
  memorySlots?: number;
}

/** Chance moves of one episode, set explicitly (the verifier, hand-made test episodes). */
export interface EpisodeSetup {
  /** Absolute ids of the faulty agents (exactly f of them). */
  faulty: readonly number[];
  /** Input of every agent (faulty agents' inputs matter only under crash and omission faults). */
  inputs: readonly number[];
  /** Global stabilisation round (partial-sync). */
  gst?: number;
}

/** Copies `array[0 .. stride)` into slots 1..count of width `stride` by doubling `copyWithin`. */
export function replicateSlot0(array: PerEpisodeArray, stride: number, count: number): void {
  if (count < 1) return;
  array.copyWithin(stride, 0, stride);
  for (let have = 1; have < count; ) {
    const more = Math.min(have, count - have);
    array.copyWithin((1 + have) * stride, stride, (1 + more) * stride);
    have += more;
  }
}

export class GameBatch {
  readonly n: number;
  readonly f: number;
  /** Horizon R. */
  readonly maxRounds: number;
  /** Size of the value domain V. */
  readonly values: number;
  /** Sample size k. */
  readonly sampleSize: number;
  readonly maxDelay: number;
  readonly size: number;
  readonly seed: number;
  readonly memorySlots: number;
  readonly byzantine: boolean;
  readonly hasRelays: boolean;
  /** Most signatures a relayed chain carries (scenario `relayDepth`, default max(2, f+1)). */
  readonly relayDepth: number;
  /** The chain paths a relay envelope has slots for (relays only). */
  readonly chains: RelayChains | undefined;
  /** Slots per relay envelope: one per chain path (n at depth 2, slot = origin). */
  readonly chainSlots: number;
  readonly hasSamples: boolean;
  readonly hasVector: boolean;
  readonly pki: boolean;
  readonly crashFaults: boolean;
  readonly continueAfterCommit: boolean;
  private readonly slushSpace: boolean;
  private readonly spaceCode: number;
  // Scenario fields read per episode, cached as plain numbers and booleans.
  private readonly randomPlacement: boolean;
  /** Honest agents given the first value under `split` inputs, or -1 for uniform inputs. */
  private readonly splitFirst: number;
  /** GST when the scenario fixes it, else 0 (drawn per episode). */
  private readonly fixedGst: number;
  /** Slush's flip threshold in the `slush` action space: a strict majority of the sample. */
  readonly slushAlpha: number;

  /** The round about to be played (1..R); R+1 once the horizon is reached. */
  round = 1;

  readonly episodeIndex: Float64Array;
  readonly done: Uint8Array;
  readonly roundsPlayed: Uint8Array;
  readonly gst: Uint8Array;
  /** Σ over played rounds of honest agents still undecided at the end of the round (round penalty). */
  readonly undecidedRounds: Uint16Array;
  /** Point-to-point messages sent (a relay bundle counts as one, a sample query as k). */
  readonly messageCount: Uint32Array;

  readonly faulty: Uint8Array;
  readonly input: Int8Array;
  readonly preference: Int8Array;
  /**
   * `[batch, R, n]` each agent's preference at the start of round r (slush and sampling spaces),
   * so that an observation of an earlier round (a history window) reads from the record, not from
   * a memory the verifier could not see.
   */
  readonly preferenceHistory: Int8Array;
  /** Committed value, or -1. */
  readonly decision: Int8Array;
  /** `[batch, n, n]` committed vectors (interactive consistency). */
  readonly decisionVector: Int8Array;
  /** Round of the decision, 0 if undecided. */
  readonly decisionRound: Uint8Array;
  /** Round in which a faulty agent crashed, 0 if it has not. */
  readonly crashedAt: Uint8Array;
  /** Round at whose start the agent first received anything, 0 if never. */
  readonly firstArrival: Uint8Array;
  /** `[batch, n]` bitmask of values each agent signed in rounds before the current one (pki). */
  readonly signed: Uint8Array;
  /**
   * `[batch, n, chainSlots]` (pki, relay depth > 2): bitmask of values each agent forwarded on each
   * chain in rounds before the current one — its signature on that chain, which no one can forge.
   */
  readonly chainSigned: Uint8Array;

  readonly msgValue: Int8Array;
  readonly msgTag: Uint8Array;
  /** Round at whose start the envelope is seen; 0 = nothing was sent. May exceed R (never seen). */
  readonly msgArrival: Uint8Array;
  readonly relayValue: Int8Array;
  /** `[batch, recipient, sender]` latest-sent direct value delivered so far, or -1. */
  readonly lastValue: Int8Array;
  readonly lastSentRound: Uint8Array;
  readonly sampleWho: Int8Array;
  readonly sampleAnswer: Int8Array;
  readonly memory: Int32Array;
  readonly rng: Uint32Array;
  /**
   * When set, every draw of honest randomness (`honestRandomInt`, `honestPick`) and of chance inside
   * an episode (which peers a sample queries) comes from it instead of the episode's streams: the
   * verifier enumerates those draws this way. Drawing the episode itself (`reset`) is unaffected.
   */
  chanceSource: ChanceSource | undefined;

  private readonly perEpisode: Array<[PerEpisodeArray, number]>;
  private readonly scratch: Int8Array;
  private readonly preferenceAtStart: Int8Array;
  /** Per round: whether each agent of the episode being stepped moves by the honest protocol. */
  private readonly acting: Uint8Array;
  private readonly signedThisRound: Uint8Array;
  /**
   * Relay scratch (per batch, not per episode; one object so that no test mistakes an empty one for
   * an episode array): one relayer's bundle this round `[chainSlots]`, written to each recipient's
   * envelope, and the chain signatures made this round `[n, chainSlots]` (pki, depth > 2).
   */
  private readonly relayScratch: { bundle: Int8Array; chainSignedThisRound: Uint8Array };

  constructor(readonly scenario: Scenario, options: GameBatchOptions) {
    const { n, f, maxRounds: R, values: V, sampleSize: k } = scenario;
    const B = options.size;
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`batch size must be a positive integer (got ${B})`);
    this.n = n;
    this.f = f;
    this.maxRounds = R;
    this.values = V;
    this.sampleSize = k;
    this.maxDelay = scenario.timing === 'sync' ? 0 : scenario.maxDelay;
    this.size = B;
    this.seed = options.seed ?? 0;
    this.memorySlots = options.memorySlots ?? 0;
    this.byzantine = scenario.faults === 'byzantine';
    this.hasRelays = usesRelays(scenario);
    this.relayDepth = relayDepthOf(scenario);
    this.chains = this.hasRelays ? RelayChains.of(n, this.relayDepth) : undefined;
    this.chainSlots = this.chains ? this.chains.count : n;
    this.hasSamples = usesSamples(scenario);
    this.hasVector = usesDecisionVector(scenario);
    this.slushAlpha = Math.floor(k / 2) + 1;
    this.pki = scenario.identity === 'pki';
    this.crashFaults = scenario.faults === 'crash';
    this.continueAfterCommit = scenario.afterCommit === 'continue';
    this.slushSpace = scenario.honestActions === 'slush';
    this.spaceCode = SPACE_CODES[scenario.honestActions];
    this.randomPlacement = scenario.faultyPlacement === 'random';
    this.splitFirst = scenario.inputs === 'uniform' ? -1 : scenario.inputs.split[0];
    this.fixedGst = scenario.gst === 'random' ? 0 : scenario.gst;

    refuseOverMemoryLimit(`a batch of ${B} episodes`, GameBatch.estimateBytes(scenario, B, this.memorySlots), `${scenario.name} (n=${n}, maxRounds=${R}) takes ${formatBytes(GameBatch.bytesPerEpisode(scenario, this.memorySlots))} per episode; use a smaller batch`);
    const relayBytes = this.hasRelays ? B * R * n * n * this.chainSlots : 0;
    if (relayBytes > 2 ** 31) throw new RangeError(`batch size ${B} needs ${(relayBytes / 2 ** 30).toFixed(1)} GiB of relay history at n=${n}, R=${R}; use a smaller batch`);

    this.episodeIndex = new Float64Array(B);
    this.done = new Uint8Array(B);
    this.roundsPlayed = new Uint8Array(B);
    this.gst = new Uint8Array(B);
    this.undecidedRounds = new Uint16Array(B);
    this.messageCount = new Uint32Array(B);
    this.faulty = new Uint8Array(B * n);
    this.input = new Int8Array(B * n);
    this.preference = new Int8Array(B * n);
    this.preferenceHistory = new Int8Array(this.hasSamples ? B * R * n : 0);
    this.decision = new Int8Array(B * n);
    this.decisionVector = new Int8Array(this.hasVector ? B * n * n : 0);
    this.decisionRound = new Uint8Array(B * n);
    this.crashedAt = new Uint8Array(B * n);
    this.firstArrival = new Uint8Array(B * n);
    this.signed = new Uint8Array(B * n);
    const chainSignatures = GameBatch.tracksChainSignatures(scenario);
    this.chainSigned = new Uint8Array(chainSignatures ? B * n * this.chainSlots : 0);
    this.msgValue = new Int8Array(B * R * n * n);
    this.msgTag = new Uint8Array(B * R * n * n);
    this.msgArrival = new Uint8Array(B * R * n * n);
    this.relayValue = new Int8Array(relayBytes);
    this.lastValue = new Int8Array(B * n * n);
    this.lastSentRound = new Uint8Array(B * n * n);
    this.sampleWho = new Int8Array(this.hasSamples ? B * R * n * k : 0);
    this.sampleAnswer = new Int8Array(this.hasSamples ? B * R * n * k : 0);
    this.memory = new Int32Array(B * n * this.memorySlots);
    this.rng = new Uint32Array(B * STREAM_COUNT * RNG_WORDS);
    this.scratch = new Int8Array(n);
    this.preferenceAtStart = new Int8Array(n);
    this.acting = new Uint8Array(n);
    this.signedThisRound = new Uint8Array(n);
    this.relayScratch = {
      bundle: new Int8Array(this.hasRelays ? this.chainSlots : 0),
      chainSignedThisRound: new Uint8Array(chainSignatures ? n * this.chainSlots : 0),
    };

    this.perEpisode = [this.episodeIndex, this.done, this.roundsPlayed, this.gst, this.undecidedRounds, this.messageCount,
      this.faulty, this.input, this.preference, this.preferenceHistory, this.decision, this.decisionVector, this.decisionRound, this.crashedAt,
      this.firstArrival, this.signed, this.chainSigned, this.msgValue, this.msgTag, this.msgArrival, this.relayValue, this.lastValue,
      this.lastSentRound, this.sampleWho, this.sampleAnswer, this.memory, this.rng].map((a) => [a, a.length / B]);
  }

  /**
   * Bytes of the typed arrays a batch of `size` episodes allocates, computed without allocating:
   * the constructor refuses a batch past the memory limit with it (`memoryLimit.ts`).
   */
  static estimateBytes(scenario: Scenario, size: number, memorySlots = 0): number {
    return size * GameBatch.bytesPerEpisode(scenario, memorySlots);
  }

  /** Bytes per episode of the constructor's per-episode arrays (kept in step with it by a test). */
  static bytesPerEpisode(scenario: Scenario, memorySlots = 0): number {
    const { n, maxRounds: R, sampleSize: k } = scenario;
    const samples = usesSamples(scenario);
    const chainSlots = usesRelays(scenario) ? chainSlotCount(n, relayDepthOf(scenario)) : 0;
    const chainSigned = GameBatch.tracksChainSignatures(scenario) ? n * chainSlots : 0;
    const perEpisode = 8 + 1 + 1 + 1 + 2 + 4; // episodeIndex, done, roundsPlayed, gst, undecidedRounds, messageCount
    const perAgent = 8 * n; // faulty, input, preference, decision, decisionRound, crashedAt, firstArrival, signed
    const perPair = 2 * n * n + (usesDecisionVector(scenario) ? n * n : 0); // lastValue, lastSentRound, decisionVector
    const messages = 3 * R * n * n + R * n * n * chainSlots; // msgValue, msgTag, msgArrival, relayValue
    const sampling = samples ? R * n + 2 * R * n * k : 0; // preferenceHistory, sampleWho, sampleAnswer
    return perEpisode + perAgent + chainSigned + perPair + messages + sampling + 4 * n * memorySlots + 4 * STREAM_COUNT * RNG_WORDS;
  }

  /** Whether relayers' signatures on chains are recorded: pki, with chains deeper than one hop. */
  static tracksChainSignatures(scenario: Scenario): boolean {
    return usesRelays(scenario) && scenario.identity === 'pki' && relayDepthOf(scenario) > 2;
  }

  // ---------------------------------------------------------------- episodes: reset and chance

  /** Starts episodes `firstEpisode .. firstEpisode + size - 1`, each from its own random streams. */
  reset(firstEpisode = 0): void {
    // One fill per array for the whole batch (per-episode fills dominated the cost of a reset).
    this.clearRange(0, this.size);
    for (let b = 0; b < this.size; b++) this.drawEpisode(b, firstEpisode + b);
    this.round = 1;
  }

  /** Clears slot b and draws episode `episode`'s chance moves (faulty set, inputs, GST). */
  resetEpisode(b: number, episode: number): void {
    this.clearRange(b, b + 1);
    this.drawEpisode(b, episode);
  }

  private drawEpisode(b: number, episode: number): void {
    this.episodeIndex[b] = episode;
    seedEpisodeStreams(this.rng, b * STREAM_COUNT * RNG_WORDS, this.seed, episode);
    const { n, f } = this;
    const o = this.streamOffset(b, Stream.chance);
    const base = b * n;
    // Faulty set: the last f ids, or a uniform f-subset (partial Fisher–Yates).
    const ids = this.scratch;
    for (let i = 0; i < n; i++) ids[i] = i;
    if (this.randomPlacement) {
      for (let t = 0; t < f; t++) {
        const pick = t + nextInt(this.rng, o, n - t);
        const tmp = ids[t]!; ids[t] = ids[pick]!; ids[pick] = tmp;
      }
      for (let t = 0; t < f; t++) this.faulty[base + ids[t]!] = 1;
    } else {
      for (let i = n - f; i < n; i++) this.faulty[base + i] = 1;
    }
    // Inputs: uniform for everyone; `split` overrides the honest ones with exactly a×x and b×y.
    const V = this.values;
    for (let i = 0; i < n; i++) this.input[base + i] = nextInt(this.rng, o, V);
    if (this.splitFirst >= 0) {
      const x = nextInt(this.rng, o, V);
      const y = (x + 1 + nextInt(this.rng, o, V - 1)) % V;
      let honestSeen = 0;
      const h = n - f;
      // Choose which honest agents get x: a uniform counts[0]-subset of the honest ones.
      let remainingX = this.splitFirst;
      for (let i = 0; i < n; i++) {
        if (this.faulty[base + i]) continue;
        const left = h - honestSeen++;
        const takeX = nextInt(this.rng, o, left) < remainingX;
        if (takeX) remainingX--;
        this.input[base + i] = takeX ? x : y;
      }
    }
    for (let i = 0; i < n; i++) this.preference[base + i] = this.input[base + i]!;
    this.gst[b] = this.fixedGst > 0 ? this.fixedGst : 1 + nextInt(this.rng, o, this.maxRounds);
  }

  /** Overrides slot b's chance moves (call after `reset`/`resetEpisode`, before the first step). */
  setup(b: number, setup: EpisodeSetup): void {
    const { n, f } = this;
    if (setup.faulty.length !== f) throw new RangeError(`setup: needs exactly f=${f} faulty ids (got ${setup.faulty.length})`);
    if (setup.inputs.length !== n) throw new RangeError(`setup: needs n=${n} inputs (got ${setup.inputs.length})`);
    const base = b * n;
    for (let i = 0; i < n; i++) this.faulty[base + i] = 0;
    for (const id of setup.faulty) {
      if (!(id >= 0 && id < n)) throw new RangeError(`setup: faulty id ${id} is not in 0..${n - 1}`);
      this.faulty[base + id] = 1;
    }
    setup.inputs.forEach((v, i) => {
      if (!(Number.isInteger(v) && v >= 0 && v < this.values)) throw new RangeError(`setup: input ${v} of agent ${i} is not in 0..${this.values - 1}`);
      this.input[base + i] = v;
      this.preference[base + i] = v;
    });
    if (setup.gst !== undefined) this.gst[b] = setup.gst;
  }

  /** Resets episode slots [from, to) to their initial values. */
  private clearRange(from: number, to: number): void {
    for (const [array, stride] of this.perEpisode) array.fill(0, from * stride, to * stride);
    const fillStride = (array: Int8Array, value: number) => {
      const stride = array.length / this.size;
      array.fill(value, from * stride, to * stride);
    };
    fillStride(this.decision, -1);
    fillStride(this.msgValue, SILENT);
    fillStride(this.relayValue, SILENT);
    fillStride(this.lastValue, SILENT);
    fillStride(this.sampleWho, -1);
    fillStride(this.sampleAnswer, NO_ANSWER);
  }

  /**
   * Copies episode slot `from` of `source` (same scenario and options) into slot `to` of this batch:
   * the verifier's branch point. Batch-wide `round` is the caller's to keep in step.
   */
  copyEpisodeFrom(source: GameBatch, from: number, to: number): void {
    for (let a = 0; a < this.perEpisode.length; a++) {
      const [dst, stride] = this.perEpisode[a]!;
      if (stride === 0) continue; // a layout this scenario does not use (no relays, no samples, …)
      const src = source.perEpisode[a]![0];
      (dst as Uint8Array).set((src as Uint8Array).subarray(from * stride, (from + 1) * stride), to * stride);
    }
  }

  /**
   * Copies episode slot 0 into slots 1..count, every per-episode array included (the verifier's
   * branching: one state fanned out to `count` branches). Doubling `copyWithin`, no allocation —
   * per-slot copies were 30% of a verifier search.
   */
  replicateFirstEpisode(count: number): void {
    if (!(Number.isInteger(count) && count >= 0 && count < this.size)) throw new RangeError(`replicateFirstEpisode: count ${count} is not in 0..${this.size - 1}`);
    for (const [array, stride] of this.perEpisode) if (stride > 0) replicateSlot0(array, stride, count);
  }

  /** Offset into `rng` of episode b's stream. */
  streamOffset(b: number, stream: number): number {
    return (b * STREAM_COUNT + stream) * RNG_WORDS;
  }

  /** Uniform integer in [0, bound) from episode b's honest stream (randomised protocols, baselines). */
  honestRandomInt(b: number, bound: number): number {
    if (this.chanceSource) return this.chanceSource.int(b, bound);
    return nextInt(this.rng, this.streamOffset(b, Stream.honest), bound);
  }
  /**
   * Uniform float in [0, 1) from episode b's honest stream. A continuous draw cannot be enumerated:
   * a protocol the verifier should handle draws with `honestRandomInt` or `honestPick` instead.
   */
  honestRandom(b: number): number {
    if (this.chanceSource) throw new RangeError('honestRandom: a continuous draw cannot be enumerated (draw with honestRandomInt or honestPick)');
    return nextFloat(this.rng, this.streamOffset(b, Stream.honest));
  }
  /**
   * An index k in [0, count) drawn from episode b's honest stream with probability
   * weights[from + k] / Σ weights (weights ≥ 0, not all 0): a categorical draw the verifier can
   * enumerate. Zero-weight indices are never drawn.
   */
  honestPick(b: number, weights: ArrayLike<number>, from: number, count: number): number {
    if (this.chanceSource) return this.chanceSource.pick(b, weights, from, count);
    return pickWeighted(nextFloat(this.rng, this.streamOffset(b, Stream.honest)), weights, from, count);
  }
  /** Uniform integer in [0, bound) from episode b's adversary stream. */
  adversaryRandomInt(b: number, bound: number): number {
    return nextInt(this.rng, this.streamOffset(b, Stream.adversary), bound);
  }

  // ---------------------------------------------------------------- who acts

  /** True once every episode of the batch has ended. */
  get allDone(): boolean {
    if (this.round > this.maxRounds) return true;
    for (let b = 0; b < this.size; b++) if (!this.done[b]) return false;
    return true;
  }

  /**
   * Whether agent i of episode b runs the honest protocol this round: the episode is live, the agent
   * has not crashed, and it is undecided (or `afterCommit` = continue). True for faulty agents too —
   * under crash and omission faults they follow the protocol until they fail, and under Byzantine
   * faults the adversary may read what the protocol would have done. Protocols must not read `faulty`.
   */
  needsAction(b: number, i: number): boolean {
    const a = b * this.n + i;
    return this.done[b] === 0 && this.crashedAt[a] === 0 && (this.decisionRound[a] === 0 || this.continueAfterCommit);
  }

  /** Whether the engine applies the honest action of agent i (false for Byzantine faulty agents). */
  actsHonestly(b: number, i: number): boolean {
    return this.needsAction(b, i) && !(this.byzantine && this.faulty[b * this.n + i] === 1);
  }

  // ---------------------------------------------------------------- an agent's view (hand-written protocols)

  private envelope(b: number, s: number, sender: number, recipient: number): number {
    return ((b * this.maxRounds + s - 1) * this.n + sender) * this.n + recipient;
  }

  /** Value `sender` sent `recipient` in round s, if it has arrived by the current round; else -1. */
  received(b: number, recipient: number, sender: number, s: number): number {
    const e = this.envelope(b, s, sender, recipient);
    const arrival = this.msgArrival[e]!;
    return arrival !== 0 && arrival <= this.round ? this.msgValue[e]! : SILENT;
  }

  /** Tag of that message (0 if none). */
  receivedTag(b: number, recipient: number, sender: number, s: number): number {
    const e = this.envelope(b, s, sender, recipient);
    const arrival = this.msgArrival[e]!;
    return arrival !== 0 && arrival <= this.round ? this.msgTag[e]! : 0;
  }

  /** Round at whose start the round-s envelope from sender reached recipient (0 = not sent, > round = in flight). */
  arrivalRound(b: number, recipient: number, sender: number, s: number): number {
    return this.msgArrival[this.envelope(b, s, sender, recipient)]!;
  }

  /** Value `relayer` relayed to `recipient` about `origin` in its round-s relay, if arrived; else -1. */
  relayed(b: number, recipient: number, relayer: number, origin: number, s: number): number {
    return this.relayedChain(b, recipient, relayer, origin, s);
  }

  /**
   * Value of chain `path` (a slot of `chains`: origin, h1, …, hk) that `relayer` forwarded to
   * `recipient` in its round-s relay, if arrived; else -1. Slot o is the one-hop chain from origin o.
   */
  relayedChain(b: number, recipient: number, relayer: number, path: number, s: number): number {
    const e = this.envelope(b, s, relayer, recipient);
    const arrival = this.msgArrival[e]!;
    if (arrival === 0 || arrival > this.round) return SILENT;
    return this.relayValue[e * this.chainSlots + path]!;
  }

  /** Latest-sent direct value from `sender` that has reached `recipient`, or -1 (the observation's slot). */
  lastReceived(b: number, recipient: number, sender: number): number {
    return this.lastValue[(b * this.n + recipient) * this.n + sender]!;
  }

  /** Adds to `counts[v]` the round-s messages that reached `recipient` by now (the anonymous view). */
  countReceived(b: number, recipient: number, s: number, counts: Int32Array | number[]): void {
    for (let j = 0; j < this.n; j++) {
      if (j === recipient) continue;
      const v = this.received(b, recipient, j, s);
      if (v >= 0) counts[v]! += 1;
    }
  }

  /** Adds to `counts[v]` the answers of the sample agent i took in round s. */
  countSample(b: number, i: number, s: number, counts: Int32Array | number[]): void {
    const k = this.sampleSize;
    const base = ((b * this.maxRounds + s - 1) * this.n + i) * k;
    for (let t = 0; t < k; t++) {
      const v = this.sampleAnswer[base + t]!;
      if (v >= 0) counts[v]! += 1;
    }
  }

  /** The answer agent j gave to agent i's round-s sample; NO_ANSWER when j was not in it (or gave none). */
  sampleAnswerFrom(b: number, i: number, s: number, j: number): number {
    const k = this.sampleSize;
    const base = ((b * this.maxRounds + s - 1) * this.n + i) * k;
    for (let t = 0; t < k; t++) if (this.sampleWho[base + t] === j) return this.sampleAnswer[base + t]!;
    return NO_ANSWER;
  }

  /** Agent i's preference at the start of round s ≤ the current round (slush and sampling spaces). */
  preferenceAt(b: number, i: number, s: number): number {
    return s >= this.round ? this.preference[b * this.n + i]! : this.preferenceHistory[(b * this.maxRounds + s - 1) * this.n + i]!;
  }

  /** Whether agent i sampled in round s. */
  sampled(b: number, i: number, s: number): boolean {
    return this.sampleWho[((b * this.maxRounds + s - 1) * this.n + i) * this.sampleSize]! >= 0;
  }

  // ---------------------------------------------------------------- one round

  /**
   * Plays the current round in every live episode: applies the honest actions (checked against the
   * action space) and the adversary's choices, schedules deliveries, and ends episodes whose honest
   * agents have all decided or that reached the horizon.
   */
  step(honest: HonestActions, adversary: AdversaryActions): void {
    const r = this.round;
    if (r > this.maxRounds) throw new RangeError(`step: the horizon R=${this.maxRounds} has been reached; reset first`);
    for (let b = 0; b < this.size; b++) if (!this.done[b]) this.stepEpisode(b, r, honest, adversary);
    this.round = r + 1;
  }

  private illegal(b: number, r: number, who: string, rule: string): never {
    throw new IllegalActionError(`episode ${this.episodeIndex[b]}, round ${r}, ${who}: ${rule}`);
  }

  private stepEpisode(b: number, r: number, honest: HonestActions, adversary: AdversaryActions): void {
    const n = this.n;
    const base = b * n;
    const acting = this.acting;
    if (this.hasSamples)
      for (let i = 0, h = (b * this.maxRounds + r - 1) * n; i < n; i++) {
        this.preferenceAtStart[i] = this.preference[base + i]!;
        this.preferenceHistory[h + i] = this.preference[base + i]!;
      }
    // Signatures made this round count from the next round on: a relay forwards what arrived at the
    // start of the round, so no one can hold a value signed in the same round (and agent order must not matter).
    if (this.pki) this.signedThisRound.fill(0);
    this.relayScratch.chainSignedThisRound.fill(0);

    // Crash choices take effect first: a crashing agent still acts this round, to some recipients.
    if (this.crashFaults) {
      for (let i = 0; i < n; i++) {
        if (adversary.crash[base + i] !== 1) continue;
        if (!this.faulty[base + i]) this.illegal(b, r, 'adversary', `cannot crash honest agent ${i}`);
        if (this.crashedAt[base + i] === 0) this.crashedAt[base + i] = r;
      }
    }

    // 1. Sends, relays, queries (everything that reads start-of-round state).
    for (let i = 0; i < n; i++) {
      const a = base + i;
      const crashed = this.crashedAt[a]!;
      acting[i] = (crashed === 0 || crashed === r) && (this.decisionRound[a] === 0 || this.continueAfterCommit) ? 1 : 0;
      if (acting[i] === 0) continue;
      if (this.byzantine && this.faulty[a] === 1) {
        acting[i] = 0; // the adversary moved for it; no honest preference or decision to apply
        this.applyByzantine(b, r, i, adversary);
        continue;
      }
      this.checkHonest(b, r, i, honest);
      const v = honest.message[a]!;
      if (v >= 0) {
        const tag = honest.tag[a]!;
        const first = this.envelope(b, r, i, 0);
        const filtered = this.faulty[a] === 1; // crash and omission faults may cut some deliveries
        for (let j = 0; j < n; j++) {
          if (j === i || (filtered && !this.delivers(b, r, i, j, adversary))) continue;
          const e = first + j;
          this.msgValue[e] = v;
          this.msgTag[e] = tag;
          if (this.msgArrival[e] !== PENDING) {
            this.msgArrival[e] = PENDING;
            this.messageCount[b]! += 1;
          }
        }
        if (this.pki) this.signedThisRound[i]! |= 1 << v;
      }
      if (this.hasRelays && honest.relay[a] === 1 && this.fillBundle(b, r, i, honest.relayMinSignatures[a]!)) {
        // An empty relay bundle is not a message: only a bundle with something in it is sent.
        const P = this.chainSlots;
        for (let j = 0; j < n; j++) {
          if (j === i || !this.delivers(b, r, i, j, adversary)) continue;
          const e = this.envelope(b, r, i, j);
          this.relayValue.set(this.relayScratch.bundle, e * P);
          this.markSent(b, e);
        }
      }
      if (this.hasSamples && honest.query[a] === 1) this.sample(b, r, i, adversary);
    }

    // 2. Preferences and decisions (simultaneous: queries above saw start-of-round preferences).
    let undecided = 0;
    for (let i = 0; i < n; i++) {
      const a = base + i;
      if (acting[i] === 1) {
        if (this.slushSpace && honest.query[a] === 1) this.slushUpdate(b, r, i);
        const p = honest.preference[a]!;
        if (p >= 0) this.preference[a] = p;
        const d = honest.decision[a]!;
        if (d >= 0 && this.decisionRound[a] === 0) {
          this.commit(b, r, i, d, honest);
          // The slush space has no preference head, so a decision becomes the agent's preference, the
          // answer its samples get from now on (GAME.md reading §10.14).
          if (this.slushSpace && !this.hasVector) this.preference[a] = d;
        }
      }
      if (this.faulty[a] === 0 && this.decisionRound[a] === 0) undecided++;
    }

    if (this.pki) for (let i = 0; i < n; i++) this.signed[base + i]! |= this.signedThisRound[i]!;
    const chainSigned = this.relayScratch.chainSignedThisRound;
    for (let x = 0, at = base * this.chainSlots; x < chainSigned.length; x++) if (chainSigned[x]) this.chainSigned[at + x]! |= chainSigned[x]!;

    // 3. Deliveries: schedule this round's envelopes, then record what arrives at the start of r+1.
    if (this.maxDelay === 0) this.deliverSync(b, r);
    else {
      this.schedule(b, r, adversary);
      this.deliver(b, r + 1);
    }

    this.undecidedRounds[b]! += undecided;
    if (undecided === 0 || r === this.maxRounds) {
      this.done[b] = 1;
      this.roundsPlayed[b] = r;
    }
  }

  private commit(b: number, r: number, i: number, d: number, honest: HonestActions): void {
    const n = this.n;
    const a = b * n + i;
    this.decision[a] = this.hasVector ? 0 : d;
    this.decisionRound[a] = r;
    if (!this.hasVector) return;
    for (let j = 0; j < n; j++) {
      const x = honest.decisionVector[a * n + j]!;
      if (!(x >= 0 && x < this.values)) this.illegal(b, r, `agent ${i}`, `decision vector entry ${j}=${x} is not in 0..${this.values - 1}`);
      this.decisionVector[a * n + j] = x;
    }
  }

  /** Sync fast path of schedule + deliver: everything sent in round r arrives at the start of r+1. */
  private deliverSync(b: number, r: number): void {
    const n = this.n;
    const first = this.envelope(b, r, 0, 0);
    const at = r + 1;
    for (let sender = 0; sender < n; sender++) {
      for (let recipient = 0; recipient < n; recipient++) {
        const e = first + sender * n + recipient;
        if (this.msgArrival[e] !== PENDING) continue;
        this.msgArrival[e] = at;
        const a = b * n + recipient;
        if (this.firstArrival[a] === 0) this.firstArrival[a] = at;
        const v = this.msgValue[e]!;
        if (v >= 0) {
          const slot = a * n + sender;
          this.lastValue[slot] = v;
          this.lastSentRound[slot] = r;
        }
      }
    }
  }

  /** Whether sender i's round-r envelope to j survives crash and omission faults. */
  private delivers(b: number, r: number, i: number, j: number, adversary: AdversaryActions): boolean {
    const a = b * this.n + i;
    if (!this.faulty[a]) return true;
    if (this.scenario.faults === 'crash' && this.crashedAt[a] === r) return adversary.crashDeliver[a * this.n + j] === 1;
    if (this.scenario.faults === 'omission') return adversary.drop[a * this.n + j] !== 1;
    return true;
  }

  private send(b: number, r: number, i: number, j: number, v: number, tag: number, adversary: AdversaryActions): void {
    if (!this.delivers(b, r, i, j, adversary)) return;
    const e = this.envelope(b, r, i, j);
    this.msgValue[e] = v;
    this.msgTag[e] = tag;
    this.markSent(b, e);
  }

  private markSent(b: number, e: number): void {
    if (this.msgArrival[e] === PENDING) return;
    this.msgArrival[e] = PENDING;
    this.messageCount[b]! += 1;
  }

  /** Latest-sent direct value from o that reached i at the start of round r (what a relay forwards). */
  private receivedNow(b: number, i: number, o: number, r: number): number {
    for (let s = r - 1; s >= 1 && s >= r - 1 - this.maxDelay; s--) {
      const e = this.envelope(b, s, o, i);
      if (this.msgArrival[e] === r && this.msgValue[e]! >= 0) return this.msgValue[e]!;
    }
    return SILENT;
  }

  /**
   * Fills `bundle` with what relayer i forwards in round r: every chain it received at the start of
   * r (a direct value from o is the chain (o); a chain q relayed to it by h is the chain q·h), each
   * under its path slot, except chains through i itself and, when `minSignatures` > 0, chains that
   * would carry fewer signatures than that with i's. Records i's signatures (pki). True if not empty.
   */
  private fillBundle(b: number, r: number, i: number, minSignatures: number): boolean {
    const chains = this.chains!;
    const bundle = this.relayScratch.bundle;
    const P = this.chainSlots;
    const signing = this.relayScratch.chainSignedThisRound.length > 0;
    let any = false;
    for (let p = 0; p < P; p++) {
      bundle[p] = SILENT;
      if (chains.contains(p, i) || chains.length[p]! + 1 < minSignatures) continue;
      const value = this.chainReceivedNow(b, i, p, r);
      if (value < 0) continue;
      bundle[p] = value;
      any = true;
      if (signing) this.relayScratch.chainSignedThisRound[i * P + p]! |= 1 << value;
    }
    return any;
  }

  /**
   * Value of chain `path` that agent i received at the start of round r (default: the current one),
   * or SILENT: the direct value from its origin for a one-agent path, else what the path's last
   * agent relayed to i about the path before it. What an honest relay by i forwards on that chain.
   */
  chainReceivedNow(b: number, i: number, path: number, r = this.round): number {
    const parent = this.chains!.parent[path]!;
    return parent < 0 ? this.receivedNow(b, i, path, r) : this.relayedNow(b, i, this.chains!.last[path]!, parent, r);
  }

  /**
   * Bitmask of the values a faulty relayer may put on chain `path` now: every value, except under
   * pki where a chain with an honest signer carries only what that signer signed.
   */
  legalChainValues(b: number, path: number): number {
    const all = (1 << this.values) - 1;
    if (!this.pki) return all;
    let mask = 0;
    for (let v = 0; v < this.values; v++) if (this.genuineChain(b, path, v)) mask |= 1 << v;
    return mask;
  }

  /** Latest-sent value of chain `path` that relayer h forwarded to i, arrived at the start of round r. */
  private relayedNow(b: number, i: number, h: number, path: number, r: number): number {
    for (let s = r - 1; s >= 1 && s >= r - 1 - this.maxDelay; s--) {
      const e = this.envelope(b, s, h, i);
      if (this.msgArrival[e] !== r) continue;
      const v = this.relayValue[e * this.chainSlots + path]!;
      if (v >= 0) return v;
    }
    return SILENT;
  }

  /**
   * Under pki, whether chain `path` with `value` is genuine as far as honest agents go: its last
   * honest signer signed it in an earlier round (an honest origin its value, an honest relayer the
   * chain before it, whose own honest signatures were checked when they reached it). A chain of
   * faulty agents only is anything the adversary likes.
   */
  private genuineChain(b: number, path: number, value: number): boolean {
    const chains = this.chains!;
    const base = b * this.n;
    for (let p = path; p >= 0; p = chains.parent[p]!) {
      const signer = chains.last[p]!;
      if (this.faulty[base + signer]) continue;
      const before = chains.parent[p]!;
      const signed = before < 0 ? this.signed[base + signer]! : this.chainSigned[(base + signer) * this.chainSlots + before]!;
      return ((signed >> value) & 1) === 1;
    }
    return true;
  }

  private checkHonest(b: number, r: number, i: number, honest: HonestActions): void {
    const a = b * this.n + i;
    const V = this.values;
    const m = honest.message[a]!, d = honest.decision[a]!, p = honest.preference[a]!;
    const undecided = this.decisionRound[a] === 0;
    if (!(m >= SILENT && m < V)) this.illegal(b, r, `agent ${i}`, `message=${m} is not silent or a value in 0..${V - 1}`);
    if (!(d >= -1 && (d < V || this.hasVector))) this.illegal(b, r, `agent ${i}`, `decision=${d} is not wait or a value in 0..${V - 1}`);
    if (!undecided && d >= 0) this.illegal(b, r, `agent ${i}`, `decided in round ${this.decisionRound[a]}, cannot commit again`);
    // Numeric space codes: this runs for every acting agent every round (a string switch showed in profiles).
    switch (this.spaceCode) {
      case SPACE_PAPER:
        if (m >= 0 && m !== this.input[a]) this.illegal(b, r, `agent ${i}`, `message=${m} is illegal in action space paper (only the own input ${this.input[a]})`);
        if ((m >= 0) === (d >= 0) && undecided) this.illegal(b, r, `agent ${i}`, 'action space paper has one head: exactly one of send or commit');
        break;
      case SPACE_SLUSH:
        if (m >= 0) this.illegal(b, r, `agent ${i}`, 'action space slush has no message head');
        if ((honest.query[a] === 1) === (d >= 0) && undecided) this.illegal(b, r, `agent ${i}`, 'action space slush has one head: exactly one of sample or commit');
        break;
      case SPACE_SAMPLING:
        if (m >= 0) this.illegal(b, r, `agent ${i}`, 'action space sampling has no message head');
        if (!(p >= -1 && p < V)) this.illegal(b, r, `agent ${i}`, `preference=${p} is not keep or a value in 0..${V - 1}`);
        return;
    }
    if (p !== -1) this.illegal(b, r, `agent ${i}`, `action space ${this.scenario.honestActions} has no preference head`);
  }

  private applyByzantine(b: number, r: number, i: number, adversary: AdversaryActions): void {
    const n = this.n;
    const pki = this.pki;
    const a = b * n + i;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = adversary.message[a * n + j]!;
      if (v >= this.values || v < SILENT) this.illegal(b, r, `adversary (agent ${i})`, `message=${v} to ${j} is not silent or a value`);
      if (v >= 0) {
        this.send(b, r, i, j, v, adversary.tag[a * n + j]!, adversary);
        if (pki) this.signedThisRound[i]! |= 1 << v;
      }
      if (!this.hasRelays) continue;
      const e = this.envelope(b, r, i, j);
      const chains = this.chains!;
      const P = this.chainSlots;
      let any = false;
      for (let p = 0; p < P; p++) {
        const claim = adversary.relay[(a * n + j) * P + p]!;
        if (claim < 0) continue;
        if (p === i) this.illegal(b, r, `adversary (agent ${i})`, 'a relay about the relayer itself is a direct message');
        if (chains.contains(p, i)) this.illegal(b, r, `adversary (agent ${i})`, `chain ${chains.agents(p).join('>')} already carries the relayer's signature`);
        if (claim >= this.values) this.illegal(b, r, `adversary (agent ${i})`, `relay claim ${claim} is not a value`);
        if (pki && !this.genuineChain(b, p, claim)) {
          if (chains.length[p] === 1) this.illegal(b, r, `adversary (agent ${i})`, `under pki it cannot forge honest agent ${p}'s signature on ${claim}`);
          this.illegal(b, r, `adversary (agent ${i})`, `under pki it cannot forge an honest signature in chain ${chains.agents(p).join('>')} on ${claim}`);
        }
        this.relayValue[e * P + p] = claim;
        any = true;
      }
      if (any) this.markSent(b, e);
    }
  }

  private sample(b: number, r: number, i: number, adversary: AdversaryActions): void {
    const { n, sampleSize: k } = this;
    const o = this.streamOffset(b, Stream.chance);
    const others = this.scratch;
    let m = 0;
    for (let j = 0; j < n; j++) if (j !== i) others[m++] = j;
    const base = ((b * this.maxRounds + r - 1) * n + i) * k;
    for (let t = 0; t < k; t++) {
      const pick = t + (this.chanceSource ? this.chanceSource.int(b, m - t) : nextInt(this.rng, o, m - t));
      const who = others[pick]!;
      others[pick] = others[t]!;
      others[t] = who;
      this.sampleWho[base + t] = who;
      const w = b * n + who;
      let answer: number;
      if (this.faulty[w] && this.byzantine) answer = adversary.sampleAnswer[w * n + i]!;
      else if (this.crashedAt[w] !== 0 && this.crashedAt[w] < r) answer = NO_ANSWER;
      else answer = this.preferenceAtStart[who]!;
      if (answer >= this.values) this.illegal(b, r, `adversary (agent ${who})`, `sample answer ${answer} is not a value`);
      this.sampleAnswer[base + t] = answer;
    }
    this.messageCount[b]! += k;
  }

  /** The `slush` action space's built-in rule: adopt a value held by ≥ alpha = ⌊k/2⌋+1 of the sample. */
  private slushUpdate(b: number, r: number, i: number): void {
    const k = this.sampleSize;
    const base = ((b * this.maxRounds + r - 1) * this.n + i) * k;
    for (let v = 0; v < this.values; v++) {
      let count = 0;
      for (let t = 0; t < k; t++) if (this.sampleAnswer[base + t] === v) count++;
      if (count >= this.slushAlpha) {
        this.preference[b * this.n + i] = v;
        return;
      }
    }
  }

  private schedule(b: number, r: number, adversary: AdversaryActions): void {
    const { n } = this;
    const timing = this.scenario.timing;
    const delayable = timing === 'async' || (timing === 'partial-sync' && r < this.gst[b]!);
    const first = this.envelope(b, r, 0, 0);
    for (let e = first; e < first + n * n; e++) {
      if (this.msgArrival[e] !== PENDING) continue;
      let delay = 0;
      if (delayable) {
        delay = adversary.delay[b * n * n + (e - first)]!;
        if (delay > this.maxDelay) this.illegal(b, r, 'adversary', `delay ${delay} exceeds maxDelay=${this.maxDelay}`);
      }
      this.msgArrival[e] = r + 1 + delay;
    }
  }

  /** Records what arrives at the start of round `at`: last-received slots and first arrivals. */
  private deliver(b: number, at: number): void {
    const n = this.n;
    for (let s = at - 1; s >= 1 && s >= at - 1 - this.maxDelay; s--) {
      const first = this.envelope(b, s, 0, 0);
      for (let sender = 0; sender < n; sender++) {
        for (let recipient = 0; recipient < n; recipient++) {
          const e = first + sender * n + recipient;
          if (this.msgArrival[e] !== at) continue;
          const a = b * n + recipient;
          if (this.firstArrival[a] === 0) this.firstArrival[a] = at;
          const v = this.msgValue[e]!;
          const slot = a * n + sender;
          if (v >= 0 && s >= this.lastSentRound[slot]!) {
            this.lastValue[slot] = v;
            this.lastSentRound[slot] = s;
          }
        }
      }
    }
  }
}
