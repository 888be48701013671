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
 * that is not seen. Settings whose observation or actions name an absolute position (a fixed faulty
 * placement's own id, interactive consistency's per-position decision heads) are refused.
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
  return { history: observer.history, slices, encoder: [...encoder] };
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

/** Width of one other agent's block (n-independent). */
export function blockWidth(spec: EquivariantSpec): number {
  let width = 0;
  for (const s of spec.slices) if (s.role === 'other') width += s.groups * s.width;
  else if (s.role === 'pair') width += 3 * s.width;
  else if (s.role === 'sender') width += 1;
  return width * spec.history;
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
 * One n's split of a row: own feature k is Σ weight·row[source] over its terms, and so is feature
 * k of other +p's block (blocks p = 1..n−1, block-major: block feature (p−1)·blockWidth + k).
 * Terms are listed as parallel arrays (feature, source, weight).
 */
export interface FeatureMap {
  readonly n: number;
  readonly rowSize: number;
  readonly ownWidth: number;
  readonly blockWidth: number;
  readonly own: Terms;
  readonly blocks: Terms;
}

export interface Terms {
  readonly feature: Int32Array;
  readonly source: Int32Array;
  readonly weight: Float32Array;
}

export function featureMap(spec: EquivariantSpec, n: number): FeatureMap {
  const frame = frameSize(spec, n);
  const O = ownWidth(spec) / spec.history;
  const P = blockWidth(spec) / spec.history;
  const own: [number, number, number][] = [];
  const blocks: [number, number, number][] = [];
  const pairIndex = (p: number, q: number) => (p - 1) * (n - 1) + (q < p ? q : q - 1);
  const others = n - 2;
  for (let t = 0; t < spec.history; t++) {
    let at = t * frame;
    let ownAt = t * O;
    let blockAt = t * P;
    const block = (p: number, k: number) => (p - 1) * P * spec.history + blockAt + k;
    for (const s of spec.slices) {
      const w = s.width;
      if (s.role === 'own') {
        for (let x = 0; x < s.groups * w; x++) own.push([ownAt + x, at + x, 1]);
        ownAt += s.groups * w;
        at += s.groups * w;
      } else if (s.role === 'sender') {
        own.push([ownAt, at, 1]); // relative position 0: I am the sender
        for (let p = 1; p < n; p++) blocks.push([block(p, 0), at + p, 1]);
        ownAt += 1;
        blockAt += 1;
        at += n;
      } else if (s.role === 'other') {
        const per = s.groups * w;
        for (let p = 1; p < n; p++) for (let x = 0; x < per; x++) blocks.push([block(p, x), at + (p - 1) * per + x, 1]);
        blockAt += per;
        at += (n - 1) * per;
      } else {
        for (let p = 1; p < n; p++)
          for (let c = 0; c < w; c++) {
            blocks.push([block(p, c), at + pairIndex(p, 0) * w + c, 1]);
            for (let q = 1; q < n; q++) {
              if (q === p) continue;
              blocks.push([block(p, w + c), at + pairIndex(p, q) * w + c, 1 / others]);
              blocks.push([block(p, 2 * w + c), at + pairIndex(q, p) * w + c, 1 / others]);
            }
          }
        blockAt += 3 * w;
        at += (n - 1) * (n - 1) * w;
      }
    }
  }
  const terms = (list: [number, number, number][]): Terms => ({
    feature: Int32Array.from(list, (x) => x[0]),
    source: Int32Array.from(list, (x) => x[1]),
    weight: Float32Array.from(list, (x) => x[2]),
  });
  return { n, rowSize: spec.history * frame, ownWidth: O * spec.history, blockWidth: P * spec.history, own: terms(own), blocks: terms(blocks) };
}

/**
 * The features of `rows` rows of `obs` (`[rows, rowSize]`) as plain arrays: own `[rows, ownWidth]`
 * and blocks `[rows, n−1, blockWidth]`; for the running input mean, which the trainer feeds in JS.
 */
export function readFeatures(map: FeatureMap, obs: Float32Array, rows: number): { own: Float32Array; blocks: Float32Array } {
  const own = new Float32Array(rows * map.ownWidth);
  const blocks = new Float32Array(rows * (map.n - 1) * map.blockWidth);
  const add = (terms: Terms, out: Float32Array, width: number) => {
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < terms.feature.length; t++) out[r * width + terms.feature[t]!]! += terms.weight[t]! * obs[r * map.rowSize + terms.source[t]!]!;
  };
  add(map.own, own, map.ownWidth);
  add(map.blocks, blocks, (map.n - 1) * map.blockWidth);
  return { own, blocks };
}
