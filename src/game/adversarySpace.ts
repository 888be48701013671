/**
 * The adversary's side of GAME.md §6–§7 for learned adversaries: one flat observation per EPISODE
 * (it sees everything) and categorical heads with legal masks, decoded into `AdversaryActions`.
 * The heads cover the same choices the verifier searches (verify/_internals/moves.ts: MSG, RELAY,
 * SAMPLE, DELIVER, DROP, DELAY, and the global crash choice), except that a Byzantine message copies
 * the faulty agent's own protocol tag where the verifier also tries the honest senders' tags.
 *
 * **Order.** Faulty slot q is the q-th faulty id in ascending order. Honest agents are listed in
 * the order relative to the first faulty agent (f₀+1, f₀+2, … mod n, skipping faulty ids), and the
 * observation lists all agents as the honest ones in that order, then the faulty ones by slot.
 * Every head uses that same order (for f = 1 it is the order relative to the faulty agent; for
 * f > 1 one shared order keeps a recipient's slot the same across faulty slots). In head names
 * `h<t>` is honest position t and `f<q>` faulty slot q.
 *
 * | head group | when | heads | options |
 * |---|---|---|---|
 * | `msg f<q>→h<t>` | Byzantine | f × (n−f): to honest recipient t | {silent, 0..V−1} |
 * | `relay f<q>→h<t>:<o>` | Byzantine, relays | f × (n−f) × (n−2), origin o over all agents but q and t | {withhold, 0..V−1}: claim v (authenticated) or forward v (pki: legal only if o signed v, or o is faulty) |
 * | `relay f<q>→h<t>:<o>><x>…` | Byzantine, relay chains deeper than one hop | per (q, t), every chain o → x → … (≤ relayDepth−1 agents, none q or t) after the one-hop heads | {withhold, 0..V−1}: the chain's value (pki: legal only what its last honest signer signed) |
 * | `answer f<q>→h<t>` | Byzantine, `slush`/`sampling` | f × (n−f): the answer if honest t samples q this round | {none, 0..V−1} |
 * | `crash f<q>` | crash | f | {stay, crash now}; only stay once q has crashed |
 * | `last f<q>→<x>` | crash | f × (n−1), x over all agents but q | {lost, arrives}: whether the crashing q's last envelope reaches x (only lost once q has crashed) |
 * | `drop f<q>→<x>` | omission | f × (n−1) | {deliver, drop} |
 * | `delay <x>→<y>` | async; partial-sync | n(n−1): this round's envelope x→y | 0..D extra rounds; only 0 where the adversary may not delay (partial-sync from GST on, or x crashed in an earlier round: no envelope) |
 *
 * A delay, answer or last-message choice for an envelope or sample that does not happen this round
 * changes nothing (the engine reads it only for envelopes in flight and sampled peers); the heads
 * are chosen together, before the adversary knows the draw of who samples whom.
 *
 * | slice | size |
 * |---|---|
 * | `round` | R, one-hot |
 * | per honest t: input, decided, decision, planned message, planned decision (+ planned relay) | V + 1 + V + (1+V) + (1+V) (+1) |
 * | per faulty q: input, what the protocol would send | V + (1+V) |
 * | `received`: for each recipient x (all agents, in order), each sender y ≠ x, the last value delivered | n(n−1)(1+V) |
 * | `signed` (pki): values each agent has signed | n·V bits |
 * | `sender` (broadcast): position of agent 0 in the order | n, one-hot |
 * | `queries` (Byzantine, `slush`/`sampling`): per honest t, whether it samples this round, and its preference | (n−f)(1+V) |
 * | `crashed` (crash): per faulty q, whether it has crashed | f |
 * | `delayable` (async, partial-sync): whether the adversary may delay this round's envelopes (before GST) | 1 |
 *
 * Ended episodes (`game.done[b]`) allow option 0 of every head, and `decode` skips them.
 */
import { AdversaryActions, HonestActions, usesSamples } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import { RelayChains } from './relayChains.js';
import { relayDepthOf, type Scenario } from './scenario.js';

export interface AdversaryHead {
  readonly name: string;
  readonly size: number;
  /** Offset of this head's options inside a mask row. */
  readonly offset: number;
  readonly labels: readonly string[];
}

/**
 * Why a learned adversary cannot play this scenario (one line), or undefined. Every fault model and
 * timing of GAME.md §6 has heads now; the check stays the one place to refuse a combination later.
 */
/** The engine's slot of a chain given as positions in the episode's order (absolute ids = order[position]). */
function absolutePath(game: GameBatch, path: readonly number[], order: Int32Array): number {
  let p = -1;
  for (const x of path) p = game.chains!.child(p, order[x]!);
  return p;
}

export function refuseAdversarySpace(scenario: Scenario): string | undefined {
  void scenario;
  return undefined;
}

export class AdversarySpace {
  readonly heads: readonly AdversaryHead[];
  readonly headCount: number;
  readonly maskWidth: number;
  /** Numbers per observation row (one row per episode). */
  readonly obsSize: number;
  /** Heads of the `msg` group (0 unless Byzantine); they come first. */
  readonly messageHeads: number;

  private readonly n: number;
  private readonly f: number;
  private readonly V: number;
  private readonly R: number;
  private readonly byzantine: boolean;
  private readonly relays: boolean;
  /** Byzantine faults in a sampling space: answer heads and the `queries` slice. */
  private readonly samples: boolean;
  private readonly crashes: boolean;
  private readonly omissions: boolean;
  /** Whether the timing model lets the adversary delay at all (async, partial-sync; D > 0). */
  private readonly delays: boolean;
  private readonly pki: boolean;
  private readonly broadcast: boolean;
  /** First head of each group after `msg` (each group's heads are contiguous, in the table's order). */
  private readonly relayStart: number;
  /** Per relay head, in head order: faulty slot q, honest position t, the chain's agents (positions in the order). */
  private readonly relayHeads: Array<{ q: number; t: number; path: number[] }> = [];
  private readonly answerStart: number;
  private readonly crashStart: number;
  private readonly lastStart: number;
  private readonly dropStart: number;
  private readonly delayStart: number;
  /** Scratch: the canonical order of the episode being read (honest first, then faulty). */
  private readonly order: Int32Array;
  private readonly honestPerAgent: number;
  private readonly faultyPerAgent: number;

  constructor(readonly scenario: Scenario) {
    const why = refuseAdversarySpace(scenario);
    if (why) throw new RangeError(why);
    const { n, f, values: V, maxRounds: R } = scenario;
    this.n = n;
    this.f = f;
    this.V = V;
    this.R = R;
    this.byzantine = scenario.faults === 'byzantine' && f > 0;
    this.relays = scenario.honestActions === 'relay';
    this.samples = this.byzantine && usesSamples(scenario);
    this.crashes = scenario.faults === 'crash' && f > 0;
    this.omissions = scenario.faults === 'omission' && f > 0;
    this.delays = scenario.timing !== 'sync' && scenario.maxDelay > 0;
    this.pki = scenario.identity === 'pki';
    this.broadcast = scenario.problem === 'broadcast';
    this.order = new Int32Array(n);
    const H = n - f;
    const name = (x: number) => (x < H ? `h${x}` : `f${x - H}`);
    const values = Array.from({ length: V }, (_, v) => String(v));
    const heads: AdversaryHead[] = [];
    let offset = 0;
    const add = (headName: string, labels: readonly string[]) => {
      heads.push({ name: headName, size: labels.length, offset, labels });
      offset += labels.length;
    };
    if (this.byzantine) {
      const options = ['silent', ...values];
      for (let q = 0; q < f; q++) for (let t = 0; t < H; t++) add(`msg f${q}→h${t}`, options);
    }
    this.messageHeads = heads.length;
    this.relayStart = heads.length;
    if (this.byzantine && this.relays) {
      const relayOptions = ['withhold', ...values];
      // Chains over positions in the order; one-hop chains (slots 0..n−1) first, as at f ≤ 1.
      const chains = RelayChains.of(n, relayDepthOf(scenario));
      for (let q = 0; q < f; q++)
        for (let t = 0; t < H; t++)
          for (let p = 0; p < chains.count; p++) {
            if (chains.contains(p, t) || chains.contains(p, H + q)) continue;
            const path = chains.agents(p);
            this.relayHeads.push({ q, t, path });
            add(`relay f${q}→h${t}:${path.map(name).join('>')}`, relayOptions);
          }
    }
    this.answerStart = heads.length;
    if (this.byzantine && this.samples) {
      const answerOptions = ['none', ...values];
      for (let q = 0; q < f; q++) for (let t = 0; t < H; t++) add(`answer f${q}→h${t}`, answerOptions);
    }
    this.crashStart = heads.length;
    if (this.crashes) for (let q = 0; q < f; q++) add(`crash f${q}`, ['stay', 'crash now']);
    this.lastStart = heads.length;
    if (this.crashes) for (let q = 0; q < f; q++) for (let x = 0; x < n; x++) if (x !== H + q) add(`last f${q}→${name(x)}`, ['lost', 'arrives']);
    this.dropStart = heads.length;
    if (this.omissions) for (let q = 0; q < f; q++) for (let x = 0; x < n; x++) if (x !== H + q) add(`drop f${q}→${name(x)}`, ['deliver', 'drop']);
    this.delayStart = heads.length;
    if (this.delays) {
      const delayOptions = Array.from({ length: scenario.maxDelay + 1 }, (_, d) => String(d));
      for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (x !== y) add(`delay ${name(x)}→${name(y)}`, delayOptions);
    }
    this.heads = heads;
    this.headCount = heads.length;
    this.maskWidth = offset;
    this.honestPerAgent = V + 1 + V + (1 + V) + (1 + V) + (this.relays ? 1 : 0);
    this.faultyPerAgent = V + (1 + V);
    this.obsSize = R + H * this.honestPerAgent + f * this.faultyPerAgent + n * (n - 1) * (1 + V) + (this.pki ? n * V : 0) + (this.broadcast ? n : 0)
      + (this.samples ? H * (1 + V) : 0) + (this.crashes ? f : 0) + (this.delays ? 1 : 0);
  }

  /** Writes episode b's canonical order into `order`: honest agents relative to the first faulty id, then faulty ids ascending. */
  private orderOf(game: GameBatch, b: number): Int32Array {
    const { n } = this;
    const base = b * n;
    let first = 0;
    while (first < n && !game.faulty[base + first]) first++;
    if (first === n) first = n - 1; // f = 0: honest order 0..n-1
    let h = 0;
    for (let p = 1; p <= n; p++) {
      const j = (first + p) % n;
      if (!game.faulty[base + j]) this.order[h++] = j;
    }
    for (let j = 0; j < n; j++) if (game.faulty[base + j]) this.order[h++] = j;
    return this.order;
  }

  /** Whether the adversary may delay round `game.round`'s envelopes in episode b (the engine's rule in `schedule`). */
  private delayable(game: GameBatch, b: number): boolean {
    return this.delays && (this.scenario.timing === 'async' || game.round < game.gst[b]!);
  }

  /**
   * Writes every episode's observation: `out` is `[game.size, obsSize]`. `honest` holds what the
   * honest protocol chose this round for every agent (faulty ones included: what they would do).
   */
  observe(game: GameBatch, honest: HonestActions, out: Float32Array): void {
    const { n, f, V, R, obsSize } = this;
    const H = n - f;
    if (out.length < game.size * obsSize) throw new RangeError(`adversary observe: out holds ${out.length} numbers, needs batch·obsSize = ${game.size}·${obsSize}`);
    const r = game.round;
    for (let b = 0; b < game.size; b++) {
      const row = b * obsSize;
      for (let x = row; x < row + obsSize; x++) out[x] = 0;
      const order = this.orderOf(game, b);
      const base = b * n;
      let at = row;
      if (r <= R) out[at + r - 1] = 1;
      at += R;
      for (let t = 0; t < H; t++) {
        const a = base + order[t]!;
        out[at + game.input[a]!] = 1;
        at += V;
        if (game.decisionRound[a] !== 0) {
          out[at] = 1;
          const d = game.decision[a]!;
          if (d >= 0 && d < V) out[at + 1 + d] = 1;
        }
        at += 1 + V;
        out[at + 1 + honest.message[a]!] = 1;
        at += 1 + V;
        const d = honest.decision[a]!;
        out[at + 1 + (d < V ? d : 0)] = 1;
        at += 1 + V;
        if (this.relays) out[at++] = honest.relay[a]!;
      }
      for (let q = 0; q < f; q++) {
        const a = base + order[H + q]!;
        out[at + game.input[a]!] = 1;
        at += V;
        out[at + 1 + honest.message[a]!] = 1;
        at += 1 + V;
      }
      for (let x = 0; x < n; x++) {
        const recipient = order[x]!;
        for (let y = 0; y < n; y++) {
          if (y === x) continue;
          out[at + 1 + game.lastValue[(base + recipient) * n + order[y]!]!] = 1;
          at += 1 + V;
        }
      }
      if (this.pki) {
        for (let x = 0; x < n; x++) {
          const bits = game.signed[base + order[x]!]!;
          for (let v = 0; v < V; v++) out[at + v] = (bits >> v) & 1;
          at += V;
        }
      }
      if (this.broadcast) {
        for (let x = 0; x < n; x++) if (order[x] === 0) out[at + x] = 1;
        at += n;
      }
      if (this.samples) {
        for (let t = 0; t < H; t++) {
          const a = base + order[t]!;
          out[at] = game.needsAction(b, order[t]!) ? honest.query[a]! : 0;
          const p = game.preference[a]!;
          if (p >= 0 && p < V) out[at + 1 + p] = 1;
          at += 1 + V;
        }
      }
      if (this.crashes) {
        for (let q = 0; q < f; q++) out[at + q] = game.crashedAt[base + order[H + q]!] !== 0 ? 1 : 0;
        at += f;
      }
      if (this.delays) out[at++] = this.delayable(game, b) ? 1 : 0;
    }
  }

  /** Writes `[game.size, maskWidth]` legality bits (1 = legal). */
  legalMask(game: GameBatch, out: Uint8Array): void {
    const { n, f, V, maskWidth, heads } = this;
    const H = n - f;
    if (out.length < game.size * maskWidth) throw new RangeError(`adversary legalMask: out holds ${out.length} bits, needs batch·maskWidth = ${game.size}·${maskWidth}`);
    for (let b = 0; b < game.size; b++) {
      const row = b * maskWidth;
      if (game.done[b]) {
        out.fill(0, row, row + maskWidth);
        for (const head of heads) out[row + head.offset] = 1;
        continue;
      }
      out.fill(1, row, row + maskWidth);
      const order = this.orderOf(game, b);
      const base = b * n;
      if (this.relays && this.pki && this.byzantine) {
        let h = this.relayStart;
        for (const { path } of this.relayHeads) {
          const bits = game.legalChainValues(b, absolutePath(game, path, order));
          const at = row + heads[h++]!.offset + 1;
          for (let v = 0; v < V; v++) out[at + v] = (bits >> v) & 1;
        }
      }
      if (this.crashes) {
        // A crashed agent stays crashed and sends nothing more: only "stay" and "lost" remain.
        let last = this.lastStart;
        for (let q = 0; q < f; q++) {
          const crashed = game.crashedAt[base + order[H + q]!] !== 0;
          if (crashed) out[row + heads[this.crashStart + q]!.offset + 1] = 0;
          for (let x = 0; x < n - 1; x++, last++) if (crashed) out[row + heads[last]!.offset + 1] = 0;
        }
      }
      if (this.delays) {
        const delayable = this.delayable(game, b);
        let h = this.delayStart;
        for (let x = 0; x < n; x++) {
          const noEnvelope = game.crashedAt[base + order[x]!] !== 0; // crashed in an earlier round (crashes of this round are not applied yet)
          for (let y = 0; y < n; y++) {
            if (y === x) continue;
            if (!delayable || noEnvelope) {
              const head = heads[h]!;
              out.fill(0, row + head.offset + 1, row + head.offset + head.size);
            }
            h++;
          }
        }
      }
    }
  }

  /** Choice of head h in episode b's row, checked against the head's size. */
  private choice(choices: Int32Array, b: number, h: number): number {
    const c = choices[b * this.headCount + h]!;
    const head = this.heads[h]!;
    if (!(c >= 0 && c < head.size)) throw new RangeError(`adversary decode: episode slot ${b}, head ${head.name}: choice ${c} is not in 0..${head.size - 1}`);
    return c;
  }

  /**
   * Turns `choices` (`[game.size, headCount]`) into the adversary's actions for every live
   * episode; clears `out` first. Message tags copy the protocol's (what the faulty agent would tag).
   */
  decode(game: GameBatch, choices: Int32Array, honest: HonestActions, out: AdversaryActions): void {
    const { n, f, headCount } = this;
    const H = n - f;
    if (choices.length < game.size * headCount) throw new RangeError(`adversary decode: choices holds ${choices.length} numbers, needs batch·heads = ${game.size}·${headCount}`);
    out.clear();
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      const order = this.orderOf(game, b);
      const base = b * n;
      if (this.byzantine) {
        let h = 0;
        for (let q = 0; q < f; q++) {
          const a = base + order[H + q]!;
          for (let t = 0; t < H; t++, h++) {
            const j = order[t]!;
            out.message[a * n + j] = this.choice(choices, b, h) - 1;
            out.tag[a * n + j] = honest.tag[a]!;
          }
        }
        if (this.relays) {
          const P = game.chainSlots;
          for (const { q, t, path } of this.relayHeads) {
            const a = base + order[H + q]!;
            out.relay[(a * n + order[t]!) * P + absolutePath(game, path, order)] = this.choice(choices, b, h) - 1;
            h++;
          }
        }
        if (this.samples) {
          h = this.answerStart;
          for (let q = 0; q < f; q++) {
            const a = base + order[H + q]!;
            for (let t = 0; t < H; t++, h++) out.sampleAnswer[a * n + order[t]!] = this.choice(choices, b, h) - 1;
          }
        }
      }
      if (this.crashes) {
        let last = this.lastStart;
        for (let q = 0; q < f; q++) {
          const a = base + order[H + q]!;
          out.crash[a] = this.choice(choices, b, this.crashStart + q);
          for (let x = 0; x < n; x++) {
            if (x === H + q) continue;
            out.crashDeliver[a * n + order[x]!] = this.choice(choices, b, last++);
          }
        }
      }
      if (this.omissions) {
        let h = this.dropStart;
        for (let q = 0; q < f; q++) {
          const a = base + order[H + q]!;
          for (let x = 0; x < n; x++) {
            if (x === H + q) continue;
            out.drop[a * n + order[x]!] = this.choice(choices, b, h++);
          }
        }
      }
      if (this.delays) {
        let h = this.delayStart;
        for (let x = 0; x < n; x++)
          for (let y = 0; y < n; y++) {
            if (y === x) continue;
            out.delay[(base + order[x]!) * n + order[y]!] = this.choice(choices, b, h++);
          }
      }
    }
  }
}
