import type { Observer } from '../../src/game/observation.js';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { blockFrameWidth, blockWidth, ownWidth, pooledWidth, type EquivariantSpec } from '../../src/policy/equivariant.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';

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

/**
 * A hand-set per-origin voter in an equivariant network with a 4-unit encoder, at n = 4 with relays
 * (ba-n4-f1, pki): send the input, relay what arrived, wait, then commit by the evidence. Encoder
 * units (same, same, diff, diff) read a = other o's round-1 message + 2 · the mean of the relays
 * about o (a count of 0..3 reports), shifted by `encoderBias`; the policy weighs them +3, −3, −3, +3
 * on "commit my input" (`dropped` units weigh 0: what is left counts reports instead of voting), my
 * own input counts once, ties go to 0. Own-input frame: value column 0 is "my input" (same), 1 the other.
 */
export function handSetVoter(scenarioName: string, encoderBias: readonly number[], dropped: (unit: number) => boolean): { network: PolicyNetwork; protocol: NeuralProtocol } {
  const scenario = loadScenario(scenarioName);
  const made = honestNetwork(scenario, { kind: 'equivariant', encoder: [4], hidden: [], seed: 1, commitAtHorizon: true, observation: { history: 3, valueFrame: 'own-input' } });
  const spec = made.spec.equivariant!;
  const O = ownWidth(spec), P = blockWidth(spec), E = 4, width = pooledWidth(spec), mask = made.maskWidth;
  const saved = made.toJSON({ optimizer: false });
  made.dispose();
  const encoder = new Array<number>((P + O) * E).fill(0);
  const received = (value: number) => featureIndex(spec, 'block', 1, 'received', 1 + value); // frame of round 2: the round-1 message
  const relaysAbout = (value: number) => featureIndex(spec, 'block', 0, 'relayed', 6 + 1 + value); // mean over q of (+q → me about +p)
  for (const [unit, value] of [[0, 0], [1, 0], [2, 1], [3, 1]] as const) {
    encoder[received(value) * E + unit] = 1;
    encoder[relaysAbout(value) * E + unit] = 2;
  }
  const policy = new Array<number>(width * mask).fill(0);
  const bias = new Array<number>(mask).fill(0);
  const space = new ActionSpace(scenario);
  const [message, decision, relay] = (['message', 'decision', 'relay'] as const).map((name) => space.head(name)!.offset) as [number, number, number];
  bias[message + 1] = 10; // send my input
  bias[relay + 1] = 10; // relay what arrived
  for (const round of [0, 1]) policy[featureIndex(spec, 'own', 0, 'round', round) * mask + decision] = 20; // wait before the last round
  const meanEncoded = O + 2 * P; // after the raw pools; mean over the 3 others
  const commitSame = decision + 1;
  for (const [unit, sign] of [[0, 1], [1, -1], [2, -1], [3, 1]] as const) policy[(meanEncoded + unit) * mask + commitSame] = dropped(unit) ? 0 : 3 * sign;
  bias[commitSame] = 1; // my own input counts once
  // Ties to 0: in the own-input frame, "commit my input" gains ½ where my input is 0 and loses ½ where it is 1.
  policy[featureIndex(spec, 'own', 0, 'ownInput', 0) * mask + commitSame] = 0.5;
  policy[featureIndex(spec, 'own', 0, 'ownInput', 1) * mask + commitSame] = -0.5;
  const network = PolicyNetwork.fromJSON({ ...saved, weights: [encoder, [...encoderBias], policy, bias] });
  return { network, protocol: new NeuralProtocol(network, scenario, 'greedy') };
}
