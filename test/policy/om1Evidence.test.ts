// Whether the equivariant network's blocks already read the evidence per ORIGIN, as OM(1) needs
// (Lamport, Shostak & Pease 1982, oral messages, n = 4, f = 1: send the input, relay what arrived,
// then per other agent o the majority of {o's round-1 message to me, the two others' relays of what
// o told them}, and the majority of the four values with ties to 0). Other +p's block holds both
// parts of that evidence (policy/equivariant.ts: `received` from +p, and the mean over q of the
// relays +q → me about +p), so the per-origin majority is one encoder layer away: with hand-set
// weights the verifier proves it safe on ba-n4-f1. Counting the evidence unclipped (a linear read of
// the pools) lets a faulty origin's value count by how it reached each agent: broken.
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { blockWidth, ownWidth, pooledWidth } from '../../src/policy/equivariant.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';
import { featureIndex } from './equivariantHelpers.js';
import { verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});


/**
 * OM(1) in an equivariant network with a 4-unit encoder on ba-n4-f1 (`clipped` false: the units'
 * second halves dropped, so each origin's reports are counted instead of voted on). Own-input frame:
 * value column 0 is "my input" (same), 1 the other (diff).
 */
function om1Protocol(clipped: boolean): { network: PolicyNetwork; protocol: NeuralProtocol } {
  const scenario = loadScenario('ba-n4-f1');
  const made = honestNetwork(scenario, { kind: 'equivariant', encoder: [4], hidden: [], seed: 1, commitAtHorizon: true, observation: { history: 3, valueFrame: 'own-input' } });
  const spec = made.spec.equivariant!;
  const O = ownWidth(spec), P = blockWidth(spec), E = 4, width = pooledWidth(spec), mask = made.maskWidth;
  const saved = made.toJSON({ optimizer: false });
  made.dispose();
  // Encoder [P + O, E]: units relu(a − 1), relu(a − 2) per value, of a = o's round-1 message + 2 · the
  // mean of the two relays about o (a count of 0..3 reports); their difference is "the majority of o's reports say v".
  const encoder = new Array<number>((P + O) * E).fill(0);
  const encoderBias = [-1, -2, -1, -2];
  const received = (value: number) => featureIndex(spec, 'block', 1, 'received', 1 + value); // frame of round 2: the round-1 message
  const relaysAbout = (value: number) => featureIndex(spec, 'block', 0, 'relayed', 6 + 1 + value); // mean over q of (+q → me about +p)
  for (const [unit, value] of [[0, 0], [1, 0], [2, 1], [3, 1]] as const) {
    encoder[received(value) * E + unit] = 1;
    encoder[relaysAbout(value) * E + unit] = 2;
  }
  const space = new ActionSpace(scenario);
  const offset = (name: string) => space.head(name)!.offset;
  const policy = new Array<number>(width * mask).fill(0);
  const bias = new Array<number>(mask).fill(0);
  bias[offset('message') + 1] = 10; // send my input
  bias[offset('relay') + 1] = 10; // relay what arrived
  const decision = offset('decision');
  for (const round of [0, 1]) policy[featureIndex(spec, 'own', 0, 'round', round) * mask + decision] = 20; // wait before the last round
  const meanEncoded = O + 2 * P; // after the raw pools; mean over the 3 others, so 3 · mean is the sum over origins
  const commitSame = decision + 1;
  for (const [unit, sign] of [[0, 1], [1, -1], [2, -1], [3, 1]] as const) policy[(meanEncoded + unit) * mask + commitSame] = !clipped && (unit === 1 || unit === 3) ? 0 : 3 * sign;
  bias[commitSame] = 1; // my own input counts once
  // Ties to 0: in the own-input frame, "commit my input" gains ½ where my input is 0 and loses ½ where it is 1.
  policy[featureIndex(spec, 'own', 0, 'ownInput', 0) * mask + commitSame] = 0.5;
  policy[featureIndex(spec, 'own', 0, 'ownInput', 1) * mask + commitSame] = -0.5;
  const network = PolicyNetwork.fromJSON({ ...saved, weights: [encoder, encoderBias, policy, bias] });
  return { network, protocol: new NeuralProtocol(network, scenario, 'greedy') };
}

describe('equivariant network on ba-n4-f1: each block holds the evidence about its origin', () => {
  it('a per-origin majority inside the block (one encoder layer) is OM(1): proven safe', () => {
    const { network, protocol } = om1Protocol(true);
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('safe');
    network.dispose();
  });

  it('counting every origin\'s reports unclipped (a linear read of the pooled blocks) is broken', () => {
    const { network, protocol } = om1Protocol(false);
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('unsafe');
    network.dispose();
  });
});
