/**
 * The adversary's side of GAME.md §6–§7 for learned adversaries: one flat observation per EPISODE
 * (it sees everything) and categorical heads with legal masks, decoded into `AdversaryActions`.
 *
 * **Order.** Faulty slot q is the q-th faulty id in ascending order. Honest agents are listed in
 * the order relative to the first faulty agent (f₀+1, f₀+2, … mod n, skipping faulty ids), and the
 * observation lists all agents as the honest ones in that order, then the faulty ones by slot.
 * Every head uses that same honest order (for f = 1 it is the order relative to the faulty agent;
 * for f > 1 one shared order keeps a recipient's slot the same across faulty slots).
 *
 * | head group | heads | options |
 * |---|---|---|
 * | `msg q→t` | f × (n−f): faulty slot q to honest recipient t | {silent, 0..V−1} |
 * | `relay q→t:o` | relays only: f × (n−f) × (n−2), origin o over all agents but q and t | {withhold, 0..V−1}: claim v (authenticated) or forward v (pki: legal only if o signed v, or o is faulty) |
 *
 * | slice | size |
 * |---|---|
 * | `round` | R, one-hot |
 * | per honest t: input, decided, decision, planned message, planned decision (+ planned relay) | V + 1 + V + (1+V) + (1+V) (+1) |
 * | per faulty q: input, what the protocol would send | V + (1+V) |
 * | `received`: for each recipient x (all agents, in order), each sender y ≠ x, the last value delivered | n(n−1)(1+V) |
 * | `signed` (pki): values each agent has signed | n·V bits |
 * | `sender` (broadcast): position of agent 0 in the order | n, one-hot |
 *
 * Ended episodes (`game.done[b]`) allow option 0 of every head, and `decode` skips them.
 * Scenarios whose heads are not built (crash, omission, delays, sample answers) are refused in one
 * line by `refuseAdversarySpace`.
 */
import { AdversaryActions, HonestActions, usesSamples } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import type { Scenario } from './scenario.js';

export interface AdversaryHead {
  readonly name: string;
  readonly size: number;
  /** Offset of this head's options inside a mask row. */
  readonly offset: number;
  readonly labels: readonly string[];
}

/** Why a learned adversary cannot play this scenario yet (one line), or undefined. */
export function refuseAdversarySpace(scenario: Scenario): string | undefined {
  if (scenario.f === 0) return undefined;
  if (scenario.faults !== 'byzantine') return `adversary space: only Byzantine faults have learned heads so far (got faults=${scenario.faults})`;
  if (scenario.timing !== 'sync') return `adversary space: delay heads are not built yet (got timing=${scenario.timing})`;
  if (usesSamples(scenario)) return `adversary space: sample-answer heads are not built yet (got honestActions=${scenario.honestActions})`;
  return undefined;
}

export class AdversarySpace {
  readonly heads: readonly AdversaryHead[];
  readonly headCount: number;
  readonly maskWidth: number;
  /** Numbers per observation row (one row per episode). */
  readonly obsSize: number;
  readonly messageHeads: number;

  private readonly n: number;
  private readonly f: number;
  private readonly V: number;
  private readonly R: number;
  private readonly relays: boolean;
  private readonly pki: boolean;
  private readonly broadcast: boolean;
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
    this.relays = scenario.honestActions === 'relay';
    this.pki = scenario.identity === 'pki';
    this.broadcast = scenario.problem === 'broadcast';
    this.order = new Int32Array(n);
    const H = n - f;
    const options = ['silent', ...Array.from({ length: V }, (_, v) => String(v))];
    const heads: AdversaryHead[] = [];
    let offset = 0;
    for (let q = 0; q < f; q++)
      for (let t = 0; t < H; t++) {
        heads.push({ name: `msg f${q}→h${t}`, size: 1 + V, offset, labels: options });
        offset += 1 + V;
      }
    this.messageHeads = heads.length;
    if (this.relays) {
      const relayOptions = ['withhold', ...options.slice(1)];
      for (let q = 0; q < f; q++)
        for (let t = 0; t < H; t++)
          for (let o = 0; o < n; o++) {
            if (o === t || o === H + q) continue;
            heads.push({ name: `relay f${q}→h${t}:${o < H ? `h${o}` : `f${o - H}`}`, size: 1 + V, offset, labels: relayOptions });
            offset += 1 + V;
          }
    }
    this.heads = heads;
    this.headCount = heads.length;
    this.maskWidth = offset;
    this.honestPerAgent = V + 1 + V + (1 + V) + (1 + V) + (this.relays ? 1 : 0);
    this.faultyPerAgent = V + (1 + V);
    this.obsSize = R + H * this.honestPerAgent + f * this.faultyPerAgent + n * (n - 1) * (1 + V) + (this.pki ? n * V : 0) + (this.broadcast ? n : 0);
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
    }
  }

  /** Writes `[game.size, maskWidth]` legality bits (1 = legal). */
  legalMask(game: GameBatch, out: Uint8Array): void {
    const { n, f, V, maskWidth } = this;
    const H = n - f;
    if (out.length < game.size * maskWidth) throw new RangeError(`adversary legalMask: out holds ${out.length} bits, needs batch·maskWidth = ${game.size}·${maskWidth}`);
    for (let b = 0; b < game.size; b++) {
      const row = b * maskWidth;
      if (game.done[b]) {
        out.fill(0, row, row + maskWidth);
        for (const head of this.heads) out[row + head.offset] = 1;
        continue;
      }
      out.fill(1, row, row + maskWidth);
      if (!(this.relays && this.pki)) continue;
      const order = this.orderOf(game, b);
      let h = this.messageHeads;
      for (let q = 0; q < f; q++)
        for (let t = 0; t < H; t++)
          for (let o = 0; o < n; o++) {
            if (o === t || o === H + q) continue;
            const origin = b * n + order[o]!;
            if (!game.faulty[origin]) {
              const bits = game.signed[origin]!;
              const at = row + this.heads[h]!.offset + 1;
              for (let v = 0; v < V; v++) out[at + v] = (bits >> v) & 1;
            }
            h++;
          }
    }
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
      const row = b * headCount;
      let h = 0;
      for (let q = 0; q < f; q++) {
        const a = b * n + order[H + q]!;
        for (let t = 0; t < H; t++) {
          const c = choices[row + h]!;
          if (!(c >= 0 && c < this.heads[h]!.size)) throw new RangeError(`adversary decode: episode slot ${b}, head ${this.heads[h]!.name}: choice ${c} is not in 0..${this.heads[h]!.size - 1}`);
          const j = order[t]!;
          out.message[a * n + j] = c - 1;
          out.tag[a * n + j] = honest.tag[a]!;
          h++;
        }
      }
      if (!this.relays) continue;
      for (let q = 0; q < f; q++) {
        const a = b * n + order[H + q]!;
        for (let t = 0; t < H; t++)
          for (let o = 0; o < n; o++) {
            if (o === t || o === H + q) continue;
            const c = choices[row + h]!;
            if (!(c >= 0 && c < this.heads[h]!.size)) throw new RangeError(`adversary decode: episode slot ${b}, head ${this.heads[h]!.name}: choice ${c} is not in 0..${this.heads[h]!.size - 1}`);
            out.relay[(a * n + order[t]!) * n + order[o]!] = c - 1;
            h++;
          }
      }
    }
  }
}
