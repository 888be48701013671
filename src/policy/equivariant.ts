/**
 * The permutation-equivariant honest network's reading of an observation row (DeepSets: Zaheer et
 * al., *Deep Sets*, NeurIPS 2017): the row is split into the agent's OWN part and one BLOCK per other
 * agent, every block is read by the same weights, and the blocks are pooled (mean and max) before
 * the policy and value heads see them. Renumbering the other agents permutes the blocks and leaves
 * the pooled features — hence the action distribution — unchanged, by construction; and because a
 * block's width does not depend on n, the same weights run at any n (policy/PolicyNetwork.ts).
 *
 * Which numbers of a row belong where follows the observation's self-describing slices
 * (game/observation.ts `ObservationSlice.others`), in every frame of the history window:
 *
 * | slice role | own part | block of other +p |
 * |---|---|---|
 * | no other agent (`ownInput`, `round`, counts, …) | the slice | — |
 * | `other` (`received`, `accepted`, `sampleRecord`) | — | +p's groups (a sample record: +p's answer in every round) |
 * | `pair` (`relayed`, `relayedVerified`) | — | (+p→me), the mean over q of (+p→+q), the mean over q of (+q→+p) |
 * | `senderIndex` (broadcast) | "I am the sender" | "+p is the sender" |
 *
 * A pair slice is summarised by its means (what +p relays about the others, what the others relay
 * about +p) so that the block's width stays independent of n; who relayed what about whom beyond
 * that is not seen. So a block is +p's record both as a sender and as an ORIGIN: +p's message and
 * the count of the relays about it (a mean of one-hot relays) — everything OM(1) or pki's
 * signed-value rule reads about +p. With relays observed over two frames, the block ends with that
 * evidence voted on (any, a strict majority, all of the reports; `EquivariantSpec.evidence`).
 * Settings whose observation or actions name an absolute position (a fixed faulty placement's own
 * id, interactive consistency's per-position decision heads) are refused.
 *
 * A `FeatureMap` makes the split concrete for one n: each feature is a weighted sum of row numbers
 * (weight 1 for a copied number, 1/(n−2) for a pair mean), computed in JS (policy/equivariantFeatures.ts
 * says why).
 */
import type { Observer, SliceName } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';

/** How a slice's groups relate to the other agents, as the equivariant network reads them. */
export type BlockRole = 'own' | 'other' | 'pair' | 'sender';

/** One slice of a frame, described independently of n. */
export interface TemplateSlice {
  readonly name: SliceName;
  readonly role: BlockRole;
  /** Numbers per group. */
  readonly width: number;
  /** `own`: groups in the slice; `other`: consecutive groups per other agent; `pair`, `sender`: 1. */
  readonly groups: number;
}

/**
 * What an equivariant network is made of, kept in its spec (PolicyNetworkSpec.equivariant): the
 * frame template (n-independent) and the shared block encoder's hidden sizes.
 */
export interface EquivariantSpec {
  /** Frames per row (the observation's history window). */
  readonly history: number;
  /** The slices of one frame, in row order. */
  readonly slices: readonly TemplateSlice[];
  /** Hidden sizes of the encoder every other agent's block goes through (ReLU); [] reads the blocks as they are. */
  readonly encoder: readonly number[];
  /**
   * The sender's block is pooled apart (beside the mean and max of all blocks): the broadcast sender
   * is a role of its own, and "commit what the sender said" is a product of "+p is the sender" and
   * "+p said v" that no linear read of the mean and max gives (EXPERIMENTS §12). Set by the template
   * wherever a frame has a `sender` slice; absent (networks saved before it): not pooled apart.
   */
  readonly senderBlock?: boolean;
  /**
   * The blocks are also pooled as they are, beside the encoded ones (mean, max, and the sender's
   * block where there is one): a network with an encoder keeps the linear network's reading and
   * adds per-block features no linear read of the pools has — "+p signed v, directly or through a
   * relay", an OR within one block that a faulty relayer's withheld relays cannot move
   * (EXPERIMENTS §12, config H). Set by the template wherever the encoder has layers; absent
   * (networks saved before it): the encoded blocks alone.
   */
  readonly skip?: boolean;
  /**
   * Each block also carries the evidence about its agent +p as an ORIGIN, voted on: for each round
   * whose relays have arrived (frame t, t < history − 1) and each value v, a = [+p's message that
   * arrived a round earlier (frame t + 1) says v] + #{relayers q ≠ +p: q's relay about +p says v},
   * out of n − 1 reporters, read as three bits — any (a > 0), a strict majority (a > (n − 1)/2) and
   * all (a = n − 1). "+p signed v" (pki, an OR) and OM(1)'s per-origin majority are then single block
   * features, so a linear read of the pools counts the origins that vote v, which no linear read of
   * the raw blocks can (test/policy/om1Evidence.test.ts, pkiEvidence.test.ts: both need a clip per
   * origin). Exact per origin because a block already holds +p's message and the mean of the relays
   * about +p (the mean of one-hot relays is their count). n-independent: fractions of the reporters.
   * Set by the template wherever a frame has `received` and `relayed` and the history holds two
   * frames; absent (networks saved before it): no evidence features.
   */
  readonly evidence?: { readonly values: number };
}

/** The network kinds an honest side may have. */
export type NetworkKind = 'mlp' | 'equivariant';
export const NETWORK_KINDS: readonly NetworkKind[] = ['mlp', 'equivariant'];
/** The equivariant network's default encoder. */
export const DEFAULT_ENCODER: readonly number[] = [32];

/** Why a scenario cannot have an equivariant honest network, or undefined. */
export function refuseEquivariant(scenario: Scenario): string | undefined {
  if (scenario.problem === 'interactive-consistency') return 'equivariant network: interactive-consistency decides one value per agent position';
  if (scenario.faultyPlacement === 'fixed') return 'equivariant network: with faultyPlacement=fixed positions carry identity';
  if (scenario.n < 2) return `equivariant network: needs n ≥ 2 (got n=${scenario.n})`;
  return undefined;
}

/** The n-independent template of an observer's frames. */
export function equivariantTemplate(observer: Observer, encoder: readonly number[]): EquivariantSpec {
  const why = refuseEquivariant(observer.scenario);
  if (why) throw new RangeError(why);
  const n = observer.scenario.n;
  const slices = observer.slices.map((slice): TemplateSlice => {
    if (slice.name === 'senderIndex') return { name: slice.name, role: 'sender', width: 1, groups: 1 };
    if (slice.others === 'other') return { name: slice.name, role: 'other', width: slice.width, groups: slice.groups / (n - 1) };
    if (slice.others === 'pair') return { name: slice.name, role: 'pair', width: slice.width, groups: 1 };
    return { name: slice.name, role: 'own', width: slice.width, groups: slice.groups };
  });
  const senderBlock = slices.some((s) => s.role === 'sender');
  const skip = encoder.length > 0;
  const received = slices.find((s) => s.name === 'received' && s.role === 'other');
  const relayed = slices.find((s) => s.name === 'relayed' && s.role === 'pair');
  const evidence = received && relayed && received.width === relayed.width && observer.history >= 2 ? { values: received.width - 1 } : undefined;
  return { history: observer.history, slices, encoder: [...encoder], ...(senderBlock && { senderBlock }), ...(skip && { skip }), ...(evidence && { evidence }) };
}

/** Evidence bits per value and relay frame (EquivariantSpec.evidence): any, a strict majority, all. */
const EVIDENCE_BITS = 3;

/** Width of the evidence features at the end of a block (EquivariantSpec.evidence), 0 without them. */
export function evidenceWidth(spec: EquivariantSpec): number {
  return spec.evidence ? EVIDENCE_BITS * spec.evidence.values * (spec.history - 1) : 0;
}

/** Numbers per frame at n agents. */
function frameSize(spec: EquivariantSpec, n: number): number {
  let size = 0;
  for (const s of spec.slices) {
    if (s.role === 'own') size += s.groups * s.width;
    else if (s.role === 'other') size += (n - 1) * s.groups * s.width;
    else if (s.role === 'pair') size += (n - 1) * (n - 1) * s.width;
    else size += n;
  }
  return size;
}

/** Width of the own part (n-independent). */
export function ownWidth(spec: EquivariantSpec): number {
  let width = 0;
  for (const s of spec.slices) if (s.role === 'own') width += s.groups * s.width;
  else if (s.role === 'sender') width += 1;
  return width * spec.history;
}

/** Pools per block feature: mean and max, and the sender's block where it is pooled apart. */
export function poolsPerFeature(spec: EquivariantSpec): number {
  return spec.senderBlock ? 3 : 2;
}

/** Width of the pooled features the heads (or `hidden`) read: the own part, then the pools of the raw blocks (spec.skip), then of the encoded ones. */
export function pooledWidth(spec: EquivariantSpec): number {
  const encoded = spec.encoder.length > 0 ? spec.encoder[spec.encoder.length - 1]! : blockWidth(spec);
  return ownWidth(spec) + poolsPerFeature(spec) * (encoded + (spec.skip && spec.encoder.length > 0 ? blockWidth(spec) : 0));
}

/** Width of one other agent's block (n-independent): its numbers of every frame, then its evidence as an origin. */
export function blockWidth(spec: EquivariantSpec): number {
  return blockFrameWidth(spec) * spec.history + evidenceWidth(spec);
}

/** Numbers of one frame in a block (n-independent). */
export function blockFrameWidth(spec: EquivariantSpec): number {
  let width = 0;
  for (const s of spec.slices) if (s.role === 'other') width += s.groups * s.width;
  else if (s.role === 'pair') width += 3 * s.width;
  else if (s.role === 'sender') width += 1;
  return width;
}

/** The largest n a row width is searched for. */
const MAX_N = 256;

/** The n whose rows have `rowSize` numbers, or undefined (the row size grows with n, so at most one does). */
export function agentsForRowSize(spec: EquivariantSpec, rowSize: number): number | undefined {
  for (let n = 2; n <= MAX_N; n++) {
    const size = spec.history * frameSize(spec, n);
    if (size === rowSize) return n;
    if (size > rowSize) return undefined;
  }
  return undefined;
}

/**
 * One n's split of a row. Own feature k is row[ownSource[k]]; feature k of other +p's block
 * (p = 1..n−1) is row[blockSource[(p−1)·blockWidth + k]], or, where that is −1, the weighted sum
 * of its `weighted` terms (a pair slice's means).
 */
export interface FeatureMap {
  readonly n: number;
  readonly rowSize: number;
  readonly ownWidth: number;
  readonly blockWidth: number;
  readonly ownSource: Int32Array;
  readonly blockSource: Int32Array;
  readonly weighted: { readonly feature: Int32Array; readonly source: Int32Array; readonly weight: Float32Array };
  /**
   * spec.senderBlock only: row[senderSource[(p−1)·history + t]] is "+p is the sender" in frame t
   * (other +p is the sender where any frame says so: frames of rounds not yet played are zeros).
   */
  readonly senderSource?: Int32Array;
  /**
   * spec.evidence only: the reports behind the bits of evidence group e (block indices
   * `at + 3e` … `at + 3e + 2`) are the block's number `received[e]` plus `relayers` times its number
   * `relaysAbout[e]` (a mean over the relayers), out of `reporters`.
   */
  readonly evidence?: { readonly at: number; readonly received: Int32Array; readonly relaysAbout: Int32Array; readonly relayers: number; readonly reporters: number };
}

export function featureMap(spec: EquivariantSpec, n: number): FeatureMap {
  const frame = frameSize(spec, n);
  const O = ownWidth(spec) / spec.history;
  const P = blockFrameWidth(spec);
  const B = blockWidth(spec);
  const ownSource = new Int32Array(O * spec.history);
  const blockSource = new Int32Array((n - 1) * B).fill(-1);
  // Block index of each frame's `received` and `relayed` numbers (spec.evidence).
  const receivedAt = new Int32Array(spec.history).fill(-1);
  const relayedAt = new Int32Array(spec.history).fill(-1);
  const weighted: [number, number, number][] = [];
  const pairIndex = (p: number, q: number) => (p - 1) * (n - 1) + (q < p ? q : q - 1);
  const others = n - 2;
  const senderSource = spec.senderBlock ? new Int32Array((n - 1) * spec.history) : undefined;
  for (let t = 0; t < spec.history; t++) {
    let at = t * frame;
    let ownAt = t * O;
    let blockAt = t * P;
    const block = (p: number, k: number) => (p - 1) * B + blockAt + k;
    for (const s of spec.slices) {
      const w = s.width;
      if (s.role === 'own') {
        for (let x = 0; x < s.groups * w; x++) ownSource[ownAt + x] = at + x;
        ownAt += s.groups * w;
        at += s.groups * w;
      } else if (s.role === 'sender') {
        ownSource[ownAt] = at; // relative position 0: I am the sender
        for (let p = 1; p < n; p++) blockSource[block(p, 0)] = at + p;
        if (senderSource) for (let p = 1; p < n; p++) senderSource[(p - 1) * spec.history + t] = at + p;
        ownAt += 1;
        blockAt += 1;
        at += n;
      } else if (s.role === 'other') {
        const per = s.groups * w;
        if (s.name === 'received') receivedAt[t] = blockAt;
        for (let p = 1; p < n; p++) for (let x = 0; x < per; x++) blockSource[block(p, x)] = at + (p - 1) * per + x;
        blockAt += per;
        at += (n - 1) * per;
      } else {
        if (s.name === 'relayed') relayedAt[t] = blockAt;
        for (let p = 1; p < n; p++)
          for (let c = 0; c < w; c++) {
            blockSource[block(p, c)] = at + pairIndex(p, 0) * w + c;
            for (let q = 1; q < n; q++) {
              if (q === p) continue;
              weighted.push([block(p, w + c), at + pairIndex(p, q) * w + c, 1 / others]);
              weighted.push([block(p, 2 * w + c), at + pairIndex(q, p) * w + c, 1 / others]);
            }
          }
        blockAt += 3 * w;
        at += (n - 1) * (n - 1) * w;
      }
    }
  }
  let evidence: FeatureMap['evidence'];
  if (spec.evidence) {
    // A relay in frame t forwards what its relayer received a round earlier: the origin's message of frame t + 1.
    const V = spec.evidence.values, relayWidth = 1 + V;
    const received: number[] = [], relaysAbout: number[] = [];
    for (let t = 0; t + 1 < spec.history; t++)
      for (let v = 0; v < V; v++) {
        received.push(receivedAt[t + 1]! + 1 + v);
        relaysAbout.push(relayedAt[t]! + 2 * relayWidth + 1 + v); // the mean over q of (+q → me about +p)
      }
    evidence = { at: P * spec.history, received: Int32Array.from(received), relaysAbout: Int32Array.from(relaysAbout), relayers: n - 2, reporters: n - 1 };
  }
  return {
    n, rowSize: spec.history * frame, ownWidth: O * spec.history, blockWidth: B, ownSource, blockSource,
    weighted: { feature: Int32Array.from(weighted, (x) => x[0]), source: Int32Array.from(weighted, (x) => x[1]), weight: Float32Array.from(weighted, (x) => x[2]) },
    ...(senderSource && { senderSource }),
    ...(evidence && { evidence }),
  };
}

/**
 * The features of `rows` rows of `obs` (`[rows, rowSize]`), `mean` `[O + P]` subtracted when given:
 * own `[rows, O]` and blocks `[rows·(n−1), stride]`, each block's P features at the start of its
 * stride (a caller may put more beside them). Plain loops over typed arrays: this runs on every
 * forward pass (policy/equivariantFeatures.ts).
 */
export function readFeatures(map: FeatureMap, obs: Float32Array, rows: number, mean?: Float32Array, stride = map.blockWidth): { own: Float32Array; blocks: Float32Array } {
  const { ownWidth: O, blockWidth: P, rowSize, ownSource, blockSource } = map;
  const others = map.n - 1;
  const own = new Float32Array(rows * O);
  const blocks = new Float32Array(rows * others * stride);
  const { feature, source, weight } = map.weighted;
  const evidence = map.evidence;
  // Without evidence the mean is subtracted as each number is read (the sums' order of networks saved before it).
  const meanAtRead = evidence ? undefined : mean;
  // Where each weighted term lands in a row's blocks; the branches on the mean are taken once per
  // block, not per number (BENCHMARKS.md, "The split, once per block").
  const rowBlocks = others * stride;
  const destination = new Int32Array(feature.length);
  for (let t = 0; t < feature.length; t++) {
    const p = (feature[t]! / P) | 0;
    destination[t] = p * stride + feature[t]! - p * P;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * rowSize;
    const ownAt = r * O;
    if (mean) for (let k = 0; k < O; k++) own[ownAt + k] = obs[base + ownSource[k]!]! - mean[k]!;
    else for (let k = 0; k < O; k++) own[ownAt + k] = obs[base + ownSource[k]!]!;
    const rowAt = r * rowBlocks;
    for (let p = 0; p < others; p++) {
      const at = rowAt + p * stride;
      const sources = p * P;
      if (meanAtRead)
        for (let k = 0; k < P; k++) {
          const from = blockSource[sources + k]!;
          blocks[at + k] = (from >= 0 ? obs[base + from]! : 0) - meanAtRead[O + k]!;
        }
      else
        for (let k = 0; k < P; k++) {
          const from = blockSource[sources + k]!;
          if (from >= 0) blocks[at + k] = obs[base + from]!;
        }
    }
    for (let t = 0; t < feature.length; t++) blocks[rowAt + destination[t]!]! += weight[t]! * obs[base + source[t]!]!;
    // The evidence bits are read from the raw block, before the mean is subtracted.
    if (evidence) for (let p = 0; p < others; p++) writeEvidence(evidence, blocks, rowAt + p * stride);
    if (evidence && mean) for (let p = 0; p < others; p++) {
      const at = rowAt + p * stride;
      for (let k = 0; k < P; k++) blocks[at + k]! -= mean[O + k]!;
    }
  }
  return { own, blocks };
}

/** Half a report: the relay mean times the relayers is a count up to a rounding. */
const HALF_REPORT = 0.5;

/** The evidence bits (any, strict majority, all) of the block at `at`, from its own numbers (FeatureMap.evidence). */
function writeEvidence(evidence: NonNullable<FeatureMap['evidence']>, blocks: Float32Array, at: number): void {
  const { received, relaysAbout, relayers, reporters } = evidence;
  let out = at + evidence.at;
  for (let e = 0; e < received.length; e++) {
    const reports = blocks[at + received[e]!]! + relayers * blocks[at + relaysAbout[e]!]!;
    blocks[out++] = reports > HALF_REPORT ? 1 : 0;
    blocks[out++] = reports > reporters / 2 + HALF_REPORT / 2 ? 1 : 0;
    blocks[out++] = reports > reporters - HALF_REPORT ? 1 : 0;
  }
}

/**
 * `[rows·(n−1)]`: 1 where other +p is the sender of row r's broadcast (any frame says so), else 0
 * (`map.senderSource`; zeros without it). Read from the raw row, before any input mean.
 */
export function senderWeights(map: FeatureMap, obs: Float32Array, rows: number): Float32Array {
  const others = map.n - 1;
  const out = new Float32Array(rows * others);
  const source = map.senderSource;
  if (!source) return out;
  const history = source.length / others;
  for (let r = 0; r < rows; r++) {
    const base = r * map.rowSize;
    for (let p = 0; p < others; p++) {
      let flag = 0;
      for (let t = 0; t < history; t++) flag = Math.max(flag, obs[base + source[p * history + t]!]!);
      out[r * others + p] = flag;
    }
  }
  return out;
}
