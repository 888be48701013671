// The fixed adversaries: the attacks they are known for (the seed paper's equivocation at n = 3,
// OM(1) below n > 3f, Dolev–Strong without signatures), what each does on hand-made episodes, that
// their random choices have the stated distributions, and that they only ever take legal actions.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import type { Scenario } from '../../src/game/scenario.js';
import { play, runEpisodes } from '../../src/play/play.js';
import { planCrashes } from '../../src/protocols/adversaries/crash.js';
import { ADVERSARIES, getAdversary, getProtocol } from '../../src/protocols/registry.js';
import type { Adversary, HonestProtocol } from '../../src/protocols/types.js';

const EPISODES = 20_000;

/** A one-episode batch with a chosen faulty set and inputs, played round by round. */
function handMade(scenario: Scenario, protocol: HonestProtocol, adversary: Adversary, faulty: number[], inputs: number[]) {
  const game = new GameBatch(scenario, { size: 1, seed: 3, memorySlots: protocol.memorySlots });
  game.reset(0);
  game.setup(0, { faulty, inputs });
  const honest = new HonestActions(1, scenario.n, scenario);
  const attack = new AdversaryActions(1, scenario.n, scenario);
  /** Plays one round and returns the adversary's choices in it. */
  const round = (): AdversaryActions => {
    honest.clear();
    protocol.act(game, honest);
    attack.clear();
    adversary.act(game, honest, attack);
    game.step(honest, attack);
    return attack;
  };
  return { game, round };
}

/** Honest agents that send their input every round and never decide: episodes run to R. */
const chatterbox: HonestProtocol = {
  name: 'chatterbox',
  summary: 'sends its input every round, never decides',
  assumptions: 'none',
  source: 'test',
  memorySlots: 0,
  refuse: () => undefined,
  act(game, out) {
    for (let b = 0; b < game.size; b++) for (let i = 0; i < game.n; i++) if (game.needsAction(b, i)) out.message[b * game.n + i] = game.input[b * game.n + i]!;
  },
};

describe('known attacks', () => {
  it('equivocate breaks majority at n=3, f=1 exactly when the honest inputs differ (≈ 50%, the seed paper)', () => {
    const result = play({ scenario: loadScenario('byzantine-breaking'), honest: 'majority', adversary: 'equivocate', episodes: EPISODES, seed: 1 });
    const breakRate = 1 - result.winRate;
    expect(breakRate).toBeGreaterThan(0.45);
    expect(breakRate).toBeLessThan(0.55);
    expect(result.consistencyViolationRate).toBeCloseTo(breakRate, 10);
    expect(result.validityViolationRate).toBe(0);
  });

  it('equivocate breaks EIG at n=3, f=1 (n ≤ 3f: Lamport, Shostak & Pease 1982)', () => {
    const result = play({ scenario: loadScenario('ba-n3-f1'), honest: 'eig', adversary: 'equivocate', episodes: EPISODES, seed: 1 });
    expect(1 - result.winRate).toBeGreaterThan(0.05);
  });

  it('lie-relays breaks Dolev–Strong without signatures (authenticated, n=3, f=1 broadcast)', () => {
    const scenario = loadScenario('bb-pki-n3-f1', ['identity=authenticated']);
    const result = play({ scenario, honest: 'dolev-strong', adversary: 'lie-relays', episodes: EPISODES, seed: 1 });
    expect(1 - result.winRate).toBeGreaterThan(0.05);
    expect(result.validityViolationRate).toBeGreaterThan(0.05);
  });
});

describe('equivocate on hand-made episodes', () => {
  const majority = getProtocol('majority');
  const equivocate = getAdversary('equivocate');

  it('sends each honest agent its own input when the honest inputs differ', () => {
    const { round } = handMade(loadScenario('byzantine-breaking'), majority, equivocate, [1], [0, 0, 1]);
    const attack = round();
    expect([attack.message[1 * 3 + 0], attack.message[1 * 3 + 2]]).toEqual([0, 1]);
  });

  it('alternates v and v+1 across the honest agents when their inputs agree on v', () => {
    const { round } = handMade(loadScenario('ba-n4-f1', ['values=3']), getProtocol('eig'), equivocate, [0], [0, 2, 2, 2]);
    const attack = round();
    expect([attack.message[1], attack.message[2], attack.message[3]]).toEqual([2, 0, 2]);
  });

  it('as a faulty broadcast sender sends 0 to half the honest agents and 1 to the rest', () => {
    const { round } = handMade(loadScenario('ba-n4-f1', ['problem=broadcast']), getProtocol('eig'), equivocate, [0], [1, 0, 0, 0]);
    const attack = round();
    expect([attack.message[1], attack.message[2], attack.message[3]]).toEqual([0, 1, 1]);
  });

  it('under pki forwards an honest origin only what it signed, and only where it helps the split', () => {
    const scenario = loadScenario('pki', ['problem=interactive-consistency']);
    const { round } = handMade(scenario, getProtocol('eig'), equivocate, [3], [0, 0, 1, 1]);
    round();
    const attack = round(); // round 2, the relay round: agents 0 and 1 signed 0, agent 2 signed 1
    const relay = (recipient: number, origin: number) => attack.relay[(3 * 4 + recipient) * 4 + origin];
    // The honest inputs differ, so each honest agent's target is its own input: 0, 0, 1.
    expect(relay(0, 1)).toBe(0);
    expect(relay(0, 2)).toBe(-1);
    expect(relay(2, 0)).toBe(-1);
    expect(relay(2, 1)).toBe(-1);
  });
});

describe('relay attacks on hand-made episodes', () => {
  it('lie-relays forwards the flipped value of what the origin sent', () => {
    const scenario = loadScenario('bb-pki-n3-f1', ['identity=authenticated']);
    const { game, round } = handMade(scenario, getProtocol('dolev-strong'), getAdversary('lie-relays'), [2], [1, 0, 0]);
    round();
    expect(game.relayed(0, 1, 2, 0, 1)).toBe(-1); // nothing had arrived to lie about in round 1
    round();
    expect(game.relayed(0, 1, 2, 0, 2)).toBe(0);
    round();
    expect(game.decision[1]).toBe(0); // {1, 0} extracted: the default, a validity violation
  });

  it('withhold-relays: a faulty broadcast sender reaches exactly one honest agent', () => {
    const scenario = loadScenario('bb-pki-n3-f1', ['n=5']);
    for (let episode = 0; episode < 20; episode++) {
      const { game, round } = handMade(scenario, getProtocol('dolev-strong'), getAdversary('withhold-relays'), [0], [1, 0, 0, 0, 0]);
      game.resetEpisode(0, episode);
      game.setup(0, { faulty: [0], inputs: [1, 0, 0, 0, 0] });
      round();
      round();
      let reached = 0;
      for (let j = 1; j < 5; j++) if (game.received(0, j, 0, 1) === 1) reached++;
      expect(reached).toBe(1);
    }
  });
});

describe('crash-at-random', () => {
  const R = 6;
  const scenario = loadScenario('ba-n3-f1', ['faults=crash', 'honestActions=free', `maxRounds=${R}`]);
  const episodes = 14_000;

  /** Histogram of the faulty agent's crash round (0 = never) over `episodes` episodes. */
  function crashRounds(adversary: string, check?: (game: GameBatch, b: number) => void): number[] {
    const batch = 2_000;
    const game = new GameBatch(scenario, { size: batch, seed: 5 });
    const honest = new HonestActions(batch, scenario.n, scenario);
    const attack = new AdversaryActions(batch, scenario.n, scenario);
    const histogram = new Array<number>(R + 1).fill(0);
    for (let first = 0; first < episodes; first += batch) {
      game.reset(first);
      runEpisodes(game, chatterbox, getAdversary(adversary), honest, attack);
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < scenario.n; i++) if (game.faulty[b * scenario.n + i]) histogram[game.crashedAt[b * scenario.n + i]!]! += 1;
        check?.(game, b);
      }
    }
    return histogram;
  }

  it.each(['crash', 'random'])('%s crashes in each round of 1..R or never, uniformly', (adversary) => {
    const histogram = crashRounds(adversary);
    const expected = episodes / (R + 1);
    for (const count of histogram) expect(Math.abs(count - expected)).toBeLessThan(6 * Math.sqrt(expected));
  });

  it('crash follows its per-episode plan', () => {
    const plan = new Uint8Array(scenario.n);
    crashRounds('crash', (game, b) => {
      planCrashes(game, b, plan);
      for (let i = 0; i < scenario.n; i++) {
        if (!game.faulty[b * scenario.n + i]) continue;
        expect(game.crashedAt[b * scenario.n + i]).toBe(plan[i]! <= R ? plan[i] : 0);
      }
    });
  });

  it('a Byzantine agent follows the protocol until its crash round, reaches a subset in it, and is silent after', () => {
    const byzantine = loadScenario('ba-n3-f1', ['honestActions=free', `maxRounds=${R}`]);
    const plan = new Uint8Array(3);
    let partial = 0;
    for (let episode = 0; episode < 200; episode++) {
      const { game, round } = handMade(byzantine, chatterbox, getAdversary('crash'), [2], [0, 1, 1]);
      game.resetEpisode(0, episode);
      game.setup(0, { faulty: [2], inputs: [0, 1, 1] });
      for (let r = 1; r <= R; r++) round();
      planCrashes(game, 0, plan);
      const c = plan[2]!;
      for (let s = 1; s <= R; s++) {
        const reached = [0, 1].filter((j) => game.received(0, j, 2, s) === 1).length;
        if (s < c) expect(reached).toBe(2);
        else if (s > c) expect(reached).toBe(0);
        else if (reached === 1) partial++;
      }
    }
    expect(partial).toBeGreaterThan(0);
  });
});

describe('legal actions only', () => {
  const variants: [string, string[]][] = [
    ...Object.keys(PRESETS).map((preset): [string, string[]] => [preset, []]),
    ['ba-n4-f1', ['faults=omission']],
    ['ba-n4-f1', ['values=4']],
    ['pki', ['timing=partial-sync', 'maxDelay=2']],
    ['bb-pki-n3-f1', ['timing=async', 'maxRounds=6']],
    ['ic-n4-f1', ['identity=pki', 'values=3']],
    ['phase-king-n5-f1', ['identity=anonymous']],
    ['phase-king-n5-f1', ['faults=omission', 'timing=async']],
    ['slush-n5', ['f=1']],
    ['slush-n6', ['f=2', 'values=3']],
    ['byzantine-breaking', ['afterCommit=continue', 'maxRounds=4']],
  ];
  const sides = ['random', 'majority', 'phase-king', 'eig', 'dolev-strong'];

  it.each(variants)('every adversary against every protocol that runs on %s %j', (preset, overrides) => {
    const scenario = loadScenario(preset, overrides);
    let runs = 0;
    for (const adversary of ADVERSARIES) {
      if (adversary.refuse(scenario)) continue;
      for (const name of sides) {
        const honest = getProtocol(name);
        if (honest.refuse(scenario)) continue;
        expect(() => play({ scenario, honest, adversary, episodes: 150, seed: 9, batchSize: 64 })).not.toThrow();
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(0);
  });
});
