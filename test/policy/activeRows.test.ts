// A learned protocol runs its network only on the rows that need an action (NeuralProtocol's
// `forward`): agents that have committed, and episodes that have ended, act no more. And among
// those it runs the network once per distinct observation. The rows it acts for must get exactly
// the numbers a forward pass over every row gives them, so that training is unchanged to the bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import type { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';
import { getAdversary } from '../../src/protocols/registry.js';

beforeAll(async () => {
  await ready();
});

const SIZE = 64;

/** Rows the network was asked for, call by call (a spy on `logits` and `logitsAndValues`). */
function countRows(network: PolicyNetwork): number[] {
  const asked: number[] = [];
  const logits = network.logits.bind(network);
  const logitsAndValues = network.logitsAndValues.bind(network);
  network.logits = (obs, rows, rowSize) => (asked.push(rows), logits(obs, rows, rowSize));
  network.logitsAndValues = (obs, rows, rowSize) => (asked.push(rows), logitsAndValues(obs, rows, rowSize));
  return asked;
}

/**
 * Plays `rounds` rounds of `preset` with a sampling learned protocol whose commit bias makes about
 * half the agents commit each round, checking every round's `act` against a full forward pass.
 */
function checkRounds(preset: string, options: { recordValues: boolean; equivariant?: boolean; rounds: number }): { asked: number[]; rows: number; skipped: number; distinct: number[] } {
  const scenario = loadScenario(preset);
  const network = honestNetwork(scenario, {
    seed: 5, hidden: [16], commitBias: 1, value: options.recordValues, centerInputs: true,
    ...(options.equivariant && { kind: 'equivariant' as const, encoder: [], hidden: [] }),
  });
  const protocol = new NeuralProtocol(network, scenario, 'sample');
  protocol.recordValues = options.recordValues;
  const adversary = getAdversary('silent', scenario);
  const game = new GameBatch(scenario, { size: SIZE, seed: 11 });
  game.reset(0);
  const honest = new HonestActions(SIZE, scenario.n, scenario);
  const faulty = new AdversaryActions(SIZE, scenario.n, scenario);
  const rows = SIZE * scenario.n;
  const width = network.maskWidth;
  let skipped = 0;
  const asked = countRows(network);
  const distinct: number[] = []; // per round, the distinct observations among the rows that act
  for (let r = 0; r < options.rounds && !game.done.every((d) => d === 1); r++) {
    honest.clear();
    faulty.clear();
    protocol.act(game, honest);
    // Every row's numbers from one pass over all rows, on the observations act gave the network.
    const full = options.recordValues ? network.logitsAndValues(protocol.observations, rows) : { logits: network.logits(protocol.observations, rows), values: undefined };
    asked.pop();
    const seen = new Set<string>();
    for (let row = 0; row < rows; row++) {
      const b = Math.floor(row / scenario.n), i = row % scenario.n;
      if (!game.needsAction(b, i)) {
        skipped++;
        continue;
      }
      seen.add(Array.from(protocol.observations.subarray(row * protocol.observer.size, (row + 1) * protocol.observer.size)).join(','));
      expect(Array.from(protocol.logits.subarray(row * width, (row + 1) * width))).toEqual(Array.from(full.logits.subarray(row * width, (row + 1) * width)));
      if (full.values) expect(protocol.values![row]).toBe(full.values[row]);
    }
    if (seen.size > 0) distinct.push(seen.size);
    adversary.act(game, honest, faulty);
    game.step(honest, faulty);
  }
  return { asked, rows, skipped, distinct };
}

describe('a learned protocol computes only the rows that need an action, once per distinct observation', () => {
  it('slush-3v2 with values (PPO): the acting rows get the full pass\'s logits and values to the bit, and only their distinct observations are computed', () => {
    const { asked, rows, skipped, distinct } = checkRounds('slush-3v2', { recordValues: true, rounds: 6 });
    expect(skipped).toBeGreaterThan(rows); // later rounds leave committed agents out
    expect(asked).toEqual(distinct);
    expect(distinct[0]).toBeLessThan(rows / 10); // round 1: every agent acts, on one of a few views
    expect(asked.reduce((a, c) => a + c, 0)).toBeLessThan(asked.length * rows - skipped);
  });

  it('pki (relay actions, a faulty agent that never acts) and an equivariant network: the same', () => {
    const { asked, rows, skipped, distinct } = checkRounds('pki', { recordValues: false, equivariant: true, rounds: 3 });
    expect(skipped).toBeGreaterThan(0);
    expect(asked).toEqual(distinct);
    expect(asked.reduce((a, c) => a + c, 0)).toBeLessThan(asked.length * rows - skipped);
  });
});
