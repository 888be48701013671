// Options of the honest network that change what it reads and may choose: the own-input value
// frame (values relative to the agent's input, the input itself absolute), a start that sends the
// own input, a history window, and no waiting in the last round.
import { beforeAll, describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { play } from '../../src/play/play.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';

beforeAll(async () => {
  await ready();
});

const pki = loadScenario('pki');
const SIZE = 512;

/** A batch after round 1 in which every agent sent its input to all (the adversary silent). */
function afterInputsSent(): GameBatch {
  const game = new GameBatch(pki, { size: SIZE, seed: 5 });
  game.reset(0);
  const actions = new HonestActions(SIZE, pki.n, pki);
  for (let a = 0; a < SIZE * pki.n; a++) actions.message[a] = game.input[a]!;
  game.step(actions, new AdversaryActions(SIZE, pki.n, pki));
  return game;
}

/** A greedy policy in `frame` acting in round 2 of `afterInputsSent`, and a reader of the rows it saw. */
function actInFrame(frame: 'own-input' | 'symmetric') {
  const protocol = new NeuralProtocol(honestNetwork(pki, { seed: 1, observation: { valueFrame: frame } }), pki, 'greedy');
  const game = afterInputsSent();
  const out = new HonestActions(SIZE, pki.n, pki);
  protocol.act(game, out);
  const observer = new Observer(pki);
  const seen = (a: number) => observer.describe(protocol.observations.subarray(a * observer.size, (a + 1) * observer.size));
  return { protocol, game, out, seen };
}

describe('the own-input value frame', () => {
  it('shows values relative to the agent\'s input, keeps the input absolute, and maps choices back', () => {
    const { protocol, game, out, seen } = actInFrame('own-input');
    let checked = 0;
    for (let b = 0; b < SIZE && checked < 20; b++)
      for (let i = 0; i < pki.n; i++) {
        const a = b * pki.n + i;
        if (game.faulty[a]) continue;
        const row = seen(a);
        expect(row).toContain(`ownInput=${game.input[a]}`);
        for (let p = 1; p < pki.n; p++) {
          const j = b * pki.n + ((i + p) % pki.n);
          const expected = game.faulty[j] ? 'none' : String(Number(game.input[j] !== game.input[a]));
          expect(row).toContain(`+${p}:${expected}`);
        }
        // The recorded choice is in the frame; the action taken is absolute.
        const choice = protocol.choices[a * protocol.actionSpace.headCount]!; // message head: 0 silent, 1 + v
        const sent = out.message[a]!;
        expect(sent).toBe(choice === 0 ? -1 : (choice - 1 + game.input[a]!) % 2);
        checked++;
      }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('the symmetric frame hides the input too: every agent reads its own input as 0', () => {
    const { protocol, game, out, seen } = actInFrame('symmetric');
    expect(protocol.network.spec.valueFrame).toBe('symmetric');
    let ones = 0;
    for (let a = 0; a < SIZE * pki.n; a++) {
      if (game.faulty[a]) continue;
      ones += game.input[a]!;
      const row = seen(a);
      expect(row).toContain('ownInput=0');
      const next = Math.floor(a / pki.n) * pki.n + (((a % pki.n) + 1) % pki.n); // +1; values relative as in own-input
      if (!game.faulty[next]) expect(row).toContain(`+1:${Number(game.input[next] !== game.input[a])}`);
      const choice = protocol.choices[a * protocol.actionSpace.headCount]!;
      expect(out.message[a]).toBe(choice === 0 ? -1 : (choice - 1 + game.input[a]!) % 2);
    }
    expect(ones).toBeGreaterThan(0); // agents with input 1 were among them
  });

  it('with a message bias starts by sending its own input (P ≈ e²/(e²+2) = 0.79), whatever the input', () => {
    const network = honestNetwork(pki, { seed: 1, observation: { valueFrame: 'own-input' }, messageBias: 2 });
    const game = new GameBatch(pki, { size: SIZE, seed: 5 });
    game.reset(0);
    const out = new HonestActions(SIZE, pki.n, pki);
    new NeuralProtocol(network, pki, 'sample').act(game, out);
    for (const input of [0, 1]) {
      let agents = 0;
      let truthful = 0;
      for (let a = 0; a < SIZE * pki.n; a++) {
        if (game.faulty[a] || game.input[a] !== input) continue;
        agents++;
        if (out.message[a] === input) truthful++;
      }
      expect(truthful / agents).toBeGreaterThan(0.72);
      expect(truthful / agents).toBeLessThan(0.86);
    }
  });

  it('refuses a message bias without the own-input frame or without a message head', () => {
    expect(() => honestNetwork(pki, { seed: 1, messageBias: 2 })).toThrow('messageBias=2: needs valueFrame=own-input or symmetric (only there is "send my input" one option)');
    expect(() => honestNetwork(loadScenario('honest-consensus'), { seed: 1, observation: { valueFrame: 'own-input' }, messageBias: 2 })).toThrow('messageBias=2: the paper action space has no message head');
  });

  it('survives a JSON round trip (the frame, the history window, the horizon rule and the others\' order are in the spec)', () => {
    const network = honestNetwork(pki, { seed: 2, observation: { valueFrame: 'own-input', history: 2, symmetricOthers: true }, commitAtHorizon: true, hidden: [8] });
    const copy = PolicyNetwork.fromJSON(JSON.parse(JSON.stringify(network.toJSON())));
    expect(copy.spec).toMatchObject({ valueFrame: 'own-input', history: 2, commitAtHorizon: true, symmetricOthers: true });
    const a = play({ scenario: pki, honest: new NeuralProtocol(network, pki, 'sample'), adversary: 'random', episodes: 300, seed: 4 });
    const b = play({ scenario: pki, honest: new NeuralProtocol(copy, pki, 'sample'), adversary: 'random', episodes: 300, seed: 4 });
    const untimed = ({ seconds: _s, episodesPerSecond: _e, ...rest }: typeof a) => rest;
    expect(untimed(b)).toEqual(untimed(a));
  });
});

describe('history window and horizon rule', () => {
  it('a history window widens the network\'s input by whole frames', () => {
    const one = honestNetwork(pki, { seed: 1 });
    const two = honestNetwork(pki, { seed: 1, observation: { history: 2 } });
    expect(two.spec.obsSize).toBe(2 * one.spec.obsSize);
    expect(new NeuralProtocol(two, pki).observer.history).toBe(2);
  });

  it('with commitAtHorizon no honest agent is left undecided, even a patient random network', () => {
    const patient = { seed: 3, commitBias: -6 };
    const waits = play({ scenario: pki, honest: new NeuralProtocol(honestNetwork(pki, patient), pki, 'sample'), adversary: 'silent', episodes: 500, seed: 1 });
    const commits = play({ scenario: pki, honest: new NeuralProtocol(honestNetwork(pki, { ...patient, commitAtHorizon: true }), pki, 'sample'), adversary: 'silent', episodes: 500, seed: 1 });
    expect(waits.terminationViolationRate).toBeGreaterThan(0.9);
    expect(commits.terminationViolationRate).toBe(0);
  });
});
