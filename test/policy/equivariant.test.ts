// The equivariant honest network (policy/equivariant.ts): renumbering the other agents leaves the
// action distribution unchanged, the weights made at one n run at another, it saves and loads like
// the MLP, and its updates leak no tensors.
import { beforeAll, describe, expect, it } from 'vitest';
import { HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import type { Scenario } from '../../src/game/scenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { maskBias, PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { renumberOthers, seededRows } from './equivariantHelpers.js';
import { play } from '../../src/play/play.js';
import { getAdversary } from '../../src/protocols/registry.js';
import { verify } from '../../src/verify/verify.js';
import { ready, tf } from '../../src/policy/tf.js';

beforeAll(async () => {
  await ready();
});

const CASES: Array<[string, Scenario, { sampleView?: 'record'; history?: number }]> = [
  ['slush-3v2, sample record', loadScenario('slush-3v2'), { sampleView: 'record' }],
  ['pki, relays (pair slices), 2 frames', loadScenario('pki'), { history: 2 }],
  ['bb-pki-n3-f1 at n=5, broadcast sender index', loadScenario('bb-pki-n3-f1', ['n=5']), {}],
];

describe('equivariant network: the other agents read alike', () => {
  it.each(CASES)('%s: renumbering the others leaves every logit and value unchanged', (_, scenario, observation) => {
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder: [8], hidden: [8], value: true, seed: 1, centerInputs: true, observation });
    const observer = new Observer(scenario, observation);
    const rows = seededRows(4, observer.size, 7);
    network.trackInputMean(rows, 4);
    const position = [0, ...Array.from({ length: scenario.n - 1 }, (_, k) => scenario.n - 1 - k)]; // +p ↦ +(n−p)
    const renumbered = new Float32Array(rows.length);
    for (let r = 0; r < 4; r++) renumbered.set(renumberOthers(observer, rows.subarray(r * observer.size, (r + 1) * observer.size), position), r * observer.size);
    expect(Array.from(renumbered)).not.toEqual(Array.from(rows));
    const a = network.logitsAndValues(rows, 4);
    const b = network.logitsAndValues(renumbered, 4);
    b.logits.forEach((x, k) => expect(x).toBeCloseTo(a.logits[k]!, 5));
    b.values.forEach((x, k) => expect(x).toBeCloseTo(a.values[k]!, 5));
    network.dispose();
  });

  it('the MLP is not (the renumbering changes its logits: the check above can fail)', () => {
    const scenario = loadScenario('slush-3v2');
    const network = honestNetwork(scenario, { hidden: [8], seed: 1, observation: { sampleView: 'record' } });
    const observer = new Observer(scenario, { sampleView: 'record' });
    const rows = seededRows(1, observer.size, 7);
    const moved = renumberOthers(observer, rows, [0, 4, 3, 2, 1]);
    expect(Array.from(network.logits(moved, 1))).not.toEqual(Array.from(network.logits(rows, 1)));
    network.dispose();
  });

  it('a network made at n=4 runs on n=5 observations of a real game (same weights, also after a save and load)', () => {
    const at4 = loadScenario('slush-3v2', ['n=4', 'inputs=uniform']);
    const at5 = loadScenario('slush-3v2');
    const network = honestNetwork(at4, { kind: 'equivariant', seed: 2, observation: { sampleView: 'record' } });
    const observer5 = new Observer(at5, { sampleView: 'record' });
    expect(observer5.size).not.toBe(network.spec.obsSize);
    const game = new GameBatch(at5, { size: 2, seed: 3 });
    for (let b = 0; b < 2; b++) game.reset(b);
    const rows = new Float32Array(2 * 5 * observer5.size);
    observer5.observe(game, rows);
    const logits = network.logits(rows, 10, observer5.size);
    expect(logits.length).toBe(10 * network.maskWidth);
    expect(logits.every(Number.isFinite)).toBe(true);
    // A network saved at n=4 and loaded reads n=5 rows the same way.
    const copy = PolicyNetwork.fromJSON(JSON.parse(JSON.stringify(network.toJSON())));
    expect(copy.logits(rows, 10, observer5.size)).toEqual(logits);
    // An MLP refuses rows of another size (one line).
    const mlp = honestNetwork(at4, { seed: 2, observation: { sampleView: 'record' } });
    expect(() => mlp.logits(rows, 10, observer5.size)).toThrow(/reads rows of \d+ numbers \(got \d+\)/);
    for (const n of [network, copy, mlp]) n.dispose();
  });

  it('as a protocol it plays at another n (the game, the verifier), where an MLP is refused in one line', () => {
    const at3 = loadScenario('honest-consensus');
    const at4 = loadScenario('honest-consensus', ['n=4']);
    const network = honestNetwork(at3, { kind: 'equivariant', seed: 5 });
    const protocol = new NeuralProtocol(network, at4, 'greedy');
    expect(new NeuralProtocol(network, at3, 'greedy').refuse(at4)).toBeUndefined();
    // It reads the n=4 rows as n=4 rows: its logits are the network's on the n=4 observation.
    const game = new GameBatch(at4, { size: 3, seed: 2 });
    game.reset(0);
    protocol.act(game, new HonestActions(3, 4, at4));
    expect(Array.from(protocol.logits)).toEqual(Array.from(network.logits(protocol.observations, 12, protocol.observer.size)));
    const played = play({ scenario: at4, honest: protocol, adversary: getAdversary('silent', at4), episodes: 64, seed: 1 });
    expect(played.episodes).toBe(64);
    expect(verify({ scenario: at4, honest: protocol, maxStates: 1_000_000 }).verdict).toMatch(/^(safe|unsafe)$/);
    const mlp = honestNetwork(at3, { seed: 5 });
    expect(new NeuralProtocol(mlp, at3, 'greedy').refuse(at4)).toMatch(/^learned: trained on n=3, .*\(got n=4, /);
    expect(() => new NeuralProtocol(mlp, at4, 'greedy')).toThrow(/^learned: the network reads \d+ numbers, scenario honest-consensus observes \d+$/);
    network.dispose();
    mlp.dispose();
  });

  it('refuses settings whose positions carry meaning, in one line', () => {
    expect(() => honestNetwork(loadScenario('ic-n4-f1'), { kind: 'equivariant', seed: 0 })).toThrow(/^equivariant network: interactive-consistency decides one value per agent position$/);
  });
});

describe('equivariant network: training discipline', () => {
  const scenario = loadScenario('pki');
  const make = () => honestNetwork(scenario, { kind: 'equivariant', encoder: [8], hidden: [8], value: true, seed: 4, centerInputs: true });

  function loss(network: PolicyNetwork, rows: number): tf.Scalar {
    const width = network.maskWidth;
    const obs = seededRows(rows, network.spec.obsSize, 11);
    const chosen = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) for (const head of network.spec.heads) chosen[r * width + head.offset + (r % head.size)] = 1;
    const terms = network.terms(tf.tensor2d(obs, [rows, network.spec.obsSize]), tf.tensor2d(maskBias(new Uint8Array(rows * width).fill(1)), [rows, width]), tf.tensor2d(chosen, [rows, width]), tf.tensor2d(new Float32Array(rows * width).fill(1), [rows, width]));
    return tf.add(tf.neg(tf.mean(terms.logProb)), tf.mean(tf.square(terms.value))) as tf.Scalar;
  }

  it('updates leak no tensors and change every trained weight (the encoder too)', () => {
    const network = make();
    network.trackInputMean(seededRows(6, network.spec.obsSize, 5), 6);
    network.step(() => loss(network, 6), { learningRate: 0.01 });
    const before = tf.memory().numTensors;
    const weights = network.toJSON().weights;
    network.step(() => loss(network, 6), { learningRate: 0.01 });
    network.logitsAndValues(seededRows(6, network.spec.obsSize, 5), 6);
    expect(tf.memory().numTensors).toBe(before);
    const after = network.toJSON().weights;
    after.forEach((w, k) => expect(w, `weight array ${k}`).not.toEqual(weights[k]));
    network.dispose();
  });

  it('saves and loads: spec, weights, Adam state and input mean', () => {
    const network = make();
    network.trackInputMean(seededRows(6, network.spec.obsSize, 5), 6);
    network.step(() => loss(network, 6), { learningRate: 0.01 });
    const saved = JSON.parse(JSON.stringify(network.toJSON()));
    expect(saved.spec.equivariant.encoder).toEqual([8]);
    const copy = PolicyNetwork.fromJSON(saved);
    const rows = seededRows(3, network.spec.obsSize, 9);
    expect(copy.logits(rows, 3)).toEqual(network.logits(rows, 3));
    expect(copy.toJSON()).toEqual(network.toJSON());
    network.dispose();
    copy.dispose();
  });

  it('plays as a NeuralProtocol on its own scenario', () => {
    const network = make();
    const protocol = new NeuralProtocol(network, scenario, 'greedy');
    expect(protocol.refuse(scenario)).toBeUndefined();
    network.dispose();
  });
});

describe('equivariant network: the training config key', () => {
  it('honestNetwork.kind is validated, and refused in one line where positions carry meaning', async () => {
    const { parseTrainConfig, resolveTrainConfig } = await import('../../src/train/config.js');
    expect(parseTrainConfig({ scenario: 'slush-3v2' }).honestNetwork).toEqual({ kind: 'mlp', encoder: [32], logitScale: 1, evidenceGain: 1 });
    expect(() => parseTrainConfig({ scenario: 'slush-3v2', honestNetwork: { kind: 'transformer' } })).toThrow(/honestNetwork\.kind=.*transformer.*must be one of mlp, equivariant/);
    expect(() => resolveTrainConfig(parseTrainConfig({ scenario: 'ic-n4-f1', honestNetwork: { kind: 'equivariant' } }))).toThrow(/^train: equivariant network: interactive-consistency decides one value per agent position$/);
  });
});
