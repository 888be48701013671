// The equivariant network's evidence bits (EquivariantSpec.evidence): per other agent +p as an
// ORIGIN, whether any, a strict majority or all of the n − 1 reports about +p's message of a round
// (its own message, and each relayer's relay of it) say v. With them the per-origin clip that OM(1)
// and pki's signed-value rule need (om1Evidence.test.ts, pkiEvidence.test.ts) is a single block
// feature, so the LINEAR network — the discovery learner's — holds both protocols: hand-set weights
// on the mean pool, proven safe by the verifier.
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { blockFrameWidth, blockWidth, equivariantTemplate, evidenceWidth, featureMap, ownWidth, pooledWidth, readFeatures, type EquivariantSpec } from '../../src/policy/equivariant.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';
import { verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});

/** Index in the own part of slice `name`'s number `x` in frame t. */
function ownIndex(spec: EquivariantSpec, t: number, name: string, x: number): number {
  const O = ownWidth(spec) / spec.history;
  let at = 0;
  for (const s of spec.slices) {
    if (s.name === name) return t * O + at + x;
    at += s.role === 'own' ? s.groups * s.width : s.role === 'sender' ? 1 : 0;
  }
  throw new Error(`no slice ${name}`);
}

const BITS = { any: 0, majority: 1, all: 2 } as const;

/** Block index of the evidence bit about the message of frame t + 1 (relays in frame t), value v. */
function evidenceIndex(spec: EquivariantSpec, t: number, v: number, bit: keyof typeof BITS): number {
  return blockFrameWidth(spec) * spec.history + (t * spec.evidence!.values + v) * 3 + BITS[bit];
}

/**
 * A linear equivariant network (no encoder) that sends its input, relays what arrived, waits until
 * the last round and then commits by the origins whose reports' `bit` says "my input" against those
 * whose reports say the other value, its own input counting once and ties to 0 (own-input frame).
 */
function linearVoter(scenarioName: string, bit: keyof typeof BITS): { network: PolicyNetwork; protocol: NeuralProtocol } {
  const scenario = loadScenario(scenarioName);
  const made = honestNetwork(scenario, { kind: 'equivariant', encoder: [], hidden: [], seed: 1, commitAtHorizon: true, observation: { history: 3, valueFrame: 'own-input' } });
  const spec = made.spec.equivariant!;
  const O = ownWidth(spec), width = pooledWidth(spec), mask = made.maskWidth;
  const saved = made.toJSON({ optimizer: false });
  made.dispose();
  const space = new ActionSpace(scenario);
  const offset = (name: string) => space.head(name)!.offset;
  const policy = new Array<number>(width * mask).fill(0);
  const bias = new Array<number>(mask).fill(0);
  bias[offset('message') + 1] = 10;
  bias[offset('relay') + 1] = 10;
  const decision = offset('decision');
  for (const round of [0, 1]) policy[ownIndex(spec, 0, 'round', round) * mask + decision] = 20;
  const commitSame = decision + 1;
  const others = scenario.n - 1; // the mean pool times the others is the number of origins
  policy[(O + evidenceIndex(spec, 0, 0, bit)) * mask + commitSame] = others;
  policy[(O + evidenceIndex(spec, 0, 1, bit)) * mask + commitSame] = -others;
  bias[commitSame] = 1;
  policy[ownIndex(spec, 0, 'ownInput', 0) * mask + commitSame] = 0.5;
  policy[ownIndex(spec, 0, 'ownInput', 1) * mask + commitSame] = -0.5;
  const network = PolicyNetwork.fromJSON({ ...saved, weights: [policy, bias] });
  return { network, protocol: new NeuralProtocol(network, scenario, 'greedy') };
}

describe('equivariant network: evidence about each origin', () => {
  it('is in the template wherever messages and relays are observed over two frames, and nowhere else', () => {
    const withRelays = (name: string, history: number) => equivariantTemplate(new Observer(loadScenario(name), { history }), []);
    expect(withRelays('ba-n4-f1', 3).evidence).toEqual({ values: 2 });
    expect(evidenceWidth(withRelays('ba-n4-f1', 3))).toBe(3 * 2 * 2);
    expect(withRelays('ba-n4-f1', 1).evidence).toBeUndefined();
    expect(equivariantTemplate(new Observer(loadScenario('pki'), { history: 3, messageView: 'accepted' }), []).evidence).toBeUndefined();
    expect(equivariantTemplate(new Observer(loadScenario('phase-king-n5-f1'), { history: 3 }), []).evidence).toBeUndefined();
  });

  it('counts the origin\'s message and every relay about it, at any n', () => {
    for (const n of [4, 6]) {
      const scenario = loadScenario('ba-n4-f1', [`n=${n}`]);
      const observer = new Observer(scenario, { history: 2 });
      const spec = equivariantTemplate(observer, []);
      const map = featureMap(spec, n);
      const row = new Float32Array(observer.size);
      const slice = (name: string) => observer.slices.find((s) => s.name === name)!;
      const pairIndex = (p: number, q: number) => (p - 1) * (n - 1) + (q < p ? q : q - 1);
      // Frame 1 (a round ago): +1 told me 1. Frame 0: relays about +1 saying 1 from all but one relayer, who says 0.
      const received = slice('received'), relayed = slice('relayed');
      row[observer.frameSize + received.offset + 0 * received.width + 1 + 1] = 1;
      for (let q = 2; q < n; q++) row[relayed.offset + pairIndex(q, 1) * relayed.width + 1 + (q === 2 ? 0 : 1)] = 1;
      const { blocks } = readFeatures(map, row, 1);
      const B = blockWidth(spec);
      const bits = (p: number, v: number) => [0, 1, 2].map((b) => blocks[(p - 1) * B + evidenceIndex(spec, 0, v, (['any', 'majority', 'all'] as const)[b]!)]);
      // Value 1: n − 2 of n − 1 reports (a strict majority, not all); value 0: one report (n = 4: 1 of 3, no majority).
      expect(bits(1, 1)).toEqual([1, 1, 0]);
      expect(bits(1, 0)).toEqual([1, 0, 0]);
      for (let p = 2; p < n; p++) expect(bits(p, 0).concat(bits(p, 1))).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });

  it('lets the linear network hold OM(1) on ba-n4-f1 (a majority of each origin\'s reports): proven safe', () => {
    const { network, protocol } = linearVoter('ba-n4-f1', 'majority');
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('safe');
    network.dispose();
  });

  it('lets the linear network hold pki\'s signed-value rule (any report about each origin): proven safe', () => {
    const { network, protocol } = linearVoter('pki', 'any');
    const result = verify({ scenario: loadScenario('pki'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('safe');
    network.dispose();
  });
});
