// PPO's auxiliary majority loss (`ppo.majorityCoef`, docs/EXPERIMENTS.md §4): the target of each
// honest decision is its episode's honest input plurality in the agent's value frame; the head that
// predicts it starts the network with the weights it would have without it and changes no policy
// output; with the loss on, the head learns the target; without it, the head is not trained.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { honestInputPlurality } from '../../src/game/inputMajority.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { parseTrainConfig } from '../../src/train/config.js';
import { recordMajorityTargets } from '../../src/train/majorityTargets.js';
import { ppoUpdate } from '../../src/train/ppo.js';
import { rollout, SideStorage } from '../../src/train/rollout.js';
import { readMetrics } from '../../src/train/runFolder.js';
import { slotTensors } from '../../src/train/storageTensors.js';
import { train } from '../../src/train/train.js';

beforeAll(async () => {
  await ready();
});

const RECORD = { sampleView: 'record', valueFrame: 'symmetric', symmetricOthers: true } as const;

describe('the honest input plurality', () => {
  it('is the value most honest agents hold, ignores faulty agents, and is −1 on a tie', () => {
    const scenario = loadScenario('pki'); // n = 4, f = 1, two values
    const game = new GameBatch(scenario, { size: 4, seed: 1 });
    game.reset();
    game.setup(0, { faulty: [3], inputs: [1, 1, 0, 0] }); // honest 1, 1, 0: the faulty agent's 0 would tie it
    game.setup(1, { faulty: [0], inputs: [1, 0, 0, 1] }); // honest 0, 0, 1
    game.setup(2, { faulty: [1], inputs: [0, 1, 1, 1] }); // honest 0, 1, 1
    expect(honestInputPlurality(game, 0)).toBe(1);
    expect(honestInputPlurality(game, 1)).toBe(0);
    expect(honestInputPlurality(game, 2)).toBe(1);

    const even = new GameBatch(loadScenario('honest-consensus', ['n=4']), { size: 1, seed: 1 }); // f = 0
    even.reset();
    even.setup(0, { faulty: [], inputs: [0, 1, 1, 0] });
    expect(honestInputPlurality(even, 0)).toBe(-1);
    even.setup(0, { faulty: [], inputs: [1, 0, 1, 1] });
    expect(honestInputPlurality(even, 0)).toBe(1);
  });
});

describe('majority targets', () => {
  function targetsOf(valueFrame: 'absolute' | 'symmetric', inputs: number[]): number[][] {
    const scenario = loadScenario('slush-3v2'); // n = 5, f = 0, maxRounds 10
    const game = new GameBatch(scenario, { size: 1, seed: 1 });
    game.reset();
    game.setup(0, { faulty: [], inputs });
    const storage = new SideStorage(scenario.maxRounds, scenario.n, scenario.n, 1, [{ size: 3, offset: 0 }], 3);
    expect(storage.majorityTargetsRecorded).toBe(false);
    recordMajorityTargets(storage, game, valueFrame);
    expect(storage.majorityTargetsRecorded).toBe(true);
    return Array.from({ length: scenario.maxRounds }, (_, r) => Array.from(storage.majorityTarget.subarray(r * scenario.n, (r + 1) * scenario.n)));
  }

  it('in the symmetric frame: 0 for the agents whose input is the majority, 1 for the others, in every round', () => {
    const rounds = targetsOf('symmetric', [1, 0, 1, 1, 0]);
    for (const row of rounds) expect(row).toEqual([0, 1, 0, 0, 1]);
  });

  it('in the absolute frame: the majority value itself', () => {
    for (const row of targetsOf('absolute', [1, 0, 1, 1, 0])) expect(row).toEqual([1, 1, 1, 1, 1]);
    for (const row of targetsOf('absolute', [0, 0, 1, 1, 0])) expect(row).toEqual([0, 0, 0, 0, 0]);
  });

  it('a new rollout clears them: the storage says it holds none until they are recorded again', () => {
    const storage = new SideStorage(1, 5, 5, 1, [{ size: 3, offset: 0 }], 3);
    storage.majorityTargetsRecorded = true;
    storage.clear();
    expect(storage.majorityTargetsRecorded).toBe(false);
  });
});

/** slush-3v2 played by a learned record network: its storage, with majority targets. */
function playedStorage(network: PolicyNetwork, size = 64): SideStorage {
  const scenario = loadScenario('slush-3v2');
  const honest = new NeuralProtocol(network, scenario, 'sample');
  honest.recordValues = true;
  const game = new GameBatch(scenario, { size, seed: 5 });
  const storage = new SideStorage(scenario.maxRounds, size * scenario.n, scenario.n, honest.observer.size, network.spec.heads, network.maskWidth);
  const silent = { name: 'silent', act: () => undefined } as never;
  rollout(game, 0, { honest, adversary: silent, honestStorage: { storage, agent: honest, used: (c, row, h) => honest.actionSpace.isHeadUsed(c, row, h) } }, new HonestActions(size, scenario.n, scenario), new AdversaryActions(size, scenario.n, scenario));
  recordMajorityTargets(storage, game, 'symmetric');
  return storage;
}

/** Mean cross-entropy of the network's majority head on the storage's targets. */
function majorityCrossEntropy(network: PolicyNetwork, storage: SideStorage): number {
  return tf.tidy(() => {
    const slots = storage.slots.subarray(0, storage.count);
    const batch = slotTensors(storage, slots);
    const { majority } = network.terms(batch.obs, batch.maskBias, batch.chosen, batch.usedColumns);
    const logP = tf.logSoftmax(majority!).arraySync() as number[][];
    let sum = 0;
    for (let k = 0; k < slots.length; k++) sum -= logP[k]![storage.majorityTarget[slots[k]!]!]!;
    return sum / slots.length;
  });
}

describe('the majority head', () => {
  it('leaves the weights the network starts with and every policy output as they are without it', () => {
    const scenario = loadScenario('slush-3v2');
    const options = { hidden: [16, 8], value: true, seed: 7, centerInputs: true, observation: RECORD };
    const plain = honestNetwork(scenario, options);
    const withHead = honestNetwork(scenario, { ...options, majorityHead: true });
    expect(withHead.spec.majorityHead).toBe(2);
    expect(withHead.variables.length).toBe(plain.variables.length + 2);
    plain.variables.forEach((v, k) => expect(Array.from(withHead.variables[k]!.dataSync())).toEqual(Array.from(v.dataSync())));
    const obs = new Float32Array(3 * plain.spec.obsSize).map((_, x) => (x * 7) % 3 === 0 ? 1 : 0);
    const a = plain.logitsAndValues(obs, 3);
    const b = withHead.logitsAndValues(obs, 3);
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    // A saved network keeps its head.
    const restored = PolicyNetwork.fromJSON(withHead.toJSON());
    expect(restored.spec.majorityHead).toBe(2);
    expect(restored.variables.length).toBe(withHead.variables.length);
    for (const network of [plain, withHead, restored]) network.dispose();
  });

  it('learns the target under majorityCoef, and is left untrained without it', () => {
    const scenario = loadScenario('slush-3v2');
    const make = () => honestNetwork(scenario, { hidden: [32], value: true, seed: 3, centerInputs: true, observation: RECORD, majorityHead: true });
    const returns = new Float64Array(64).fill(0).map((_, b) => (b % 3 === 0 ? -10 : 1));

    const trained = make();
    const storage = playedStorage(trained);
    expect(storage.count).toBeGreaterThan(300);
    const before = majorityCrossEntropy(trained, storage);
    const reported: number[] = [];
    for (let k = 0; k < 6; k++) reported.push(ppoUpdate(trained, storage, returns, k + 1, { majorityCoef: 1, learningRate: 0.01 }).majorityLoss!);
    const after = majorityCrossEntropy(trained, storage);
    expect(after).toBeLessThan(0.8 * before);
    // The epoch reports it (metrics.jsonl's majorityLoss): the last pass's, falling too.
    expect(reported[5]).toBeLessThan(reported[0]!);

    const untrained = make();
    const head = untrained.variables.slice(-2).map((v) => Array.from(v.dataSync()));
    for (let k = 0; k < 2; k++) expect(ppoUpdate(untrained, storage, returns, k + 1, { majorityCoef: 0 }).majorityLoss).toBeUndefined();
    expect(untrained.variables.slice(-2).map((v) => Array.from(v.dataSync()))).toEqual(head);
    trained.dispose();
    untrained.dispose();
  });

  it('ppoUpdate refuses majorityCoef without a head, or without the rollout\'s targets', () => {
    const scenario = loadScenario('slush-3v2');
    const plain = honestNetwork(scenario, { hidden: [8], value: true, seed: 3, observation: RECORD });
    const storage = playedStorage(plain, 8);
    expect(() => ppoUpdate(plain, storage, new Float64Array(8), 1, { majorityCoef: 0.5 })).toThrow(/majorityCoef 0\.5 needs a network with a majority head/);
    const withHead = honestNetwork(scenario, { hidden: [8], value: true, seed: 3, observation: RECORD, majorityHead: true });
    storage.majorityTargetsRecorded = false;
    expect(() => ppoUpdate(withHead, storage, new Float64Array(8), 1, { majorityCoef: 0.5 })).toThrow(/holds no majority targets/);
    plain.dispose();
    withHead.dispose();
  });

  it('in a run where both sides learn, only the honest network predicts the majority (the adversary learns as before)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cgym-majority-')), 'run');
    await train({ scenario: 'pki', schedule: 'simultaneous', algo: 'ppo', ppo: { majorityCoef: 0.5 }, epochs: 2, batch: 32, seed: 1, finalEpisodes: 200, out });
    const lines = readMetrics(out);
    expect(lines.map((m) => m.majorityLoss !== null && Number.isFinite(m.majorityLoss) && m.adversaryLoss !== null)).toEqual([true, true]);
  });

  it('the config refuses a negative majorityCoef, naming the key', () => {
    expect(() => parseTrainConfig({ scenario: 'slush-3v2', algo: 'ppo', ppo: { majorityCoef: -1 } })).toThrow(/ppo\.majorityCoef/);
  });
});
