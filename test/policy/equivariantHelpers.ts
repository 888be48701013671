import type { Observer } from '../../src/game/observation.js';
import { blockFrameWidth, ownWidth, type EquivariantSpec } from '../../src/policy/equivariant.js';

/** `rows` rows of `size` numbers in [0, 1) from a seeded generator (mulberry32): test observations. */
export function seededRows(rows: number, size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length: rows * size }, next);
}

/**
 * Row `row` with the other agents renumbered: other +p's numbers move to position `position[p]`
 * (position[0] = 0, the agent itself), in every slice that names other agents, every frame.
 */
export function renumberOthers(observer: Observer, row: Float32Array, position: readonly number[]): Float32Array {
  const n = observer.scenario.n;
  const out = Float32Array.from(row);
  const pairIndex = (p: number, q: number) => (p - 1) * (n - 1) + (q < p ? q : q - 1);
  for (let t = 0; t < observer.history; t++)
    for (const slice of observer.slices) {
      const at = t * observer.frameSize + slice.offset;
      const move = (from: number, to: number) => {
        for (let c = 0; c < slice.width; c++) out[at + to * slice.width + c] = row[at + from * slice.width + c]!;
      };
      if (slice.name === 'senderIndex') for (let p = 1; p < n; p++) out[at + position[p]!] = row[at + p]!;
      else if (slice.others === 'other') {
        const per = slice.groups / (n - 1);
        for (let p = 1; p < n; p++) for (let g = 0; g < per; g++) move((p - 1) * per + g, (position[p]! - 1) * per + g);
      } else if (slice.others === 'pair')
        for (let p = 1; p < n; p++) for (let q = 0; q < n; q++) if (q !== p) move(pairIndex(p, q), pairIndex(position[p]!, position[q]!));
    }
  return out;
}

/** Index in the own part (`own`) or in a block (`block`) of slice `name`'s number `x` in frame t (t = 0: the current round): for hand-set weights. */
export function featureIndex(spec: EquivariantSpec, part: 'own' | 'block', t: number, name: string, x: number): number {
  const O = ownWidth(spec) / spec.history, P = blockFrameWidth(spec);
  let at = 0;
  for (const s of spec.slices) {
    const width = part === 'own' ? (s.role === 'own' ? s.groups * s.width : s.role === 'sender' ? 1 : 0) : s.role === 'other' ? s.groups * s.width : s.role === 'pair' ? 3 * s.width : s.role === 'sender' ? 1 : 0;
    if (s.name === name) return t * (part === 'own' ? O : P) + at + x;
    at += width;
  }
  throw new Error(`no slice ${name}`);
}
