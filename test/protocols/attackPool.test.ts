// The attack pool: the verifier's attacks replayed where their chance outcome comes up, a fallback
// adversary elsewhere; relays the rules forbid in the episode at hand are withheld, not played.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { judgeBatch, Outcomes } from '../../src/game/judge.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { runEpisodes } from '../../src/play/play.js';
import { AttackPool, type Attack } from '../../src/protocols/adversaries/attackPool.js';
import { getAdversary, getProtocol } from '../../src/protocols/registry.js';
import type { Adversary } from '../../src/protocols/types.js';
import { verify } from '../../src/verify/verify.js';

const scenario = loadScenario('byzantine-breaking');
const majority = getProtocol('majority', scenario);
const silent = getAdversary('silent', scenario);

function play(adversary: AttackPool, size = 400): { game: GameBatch; outcomes: Outcomes } {
  const game = new GameBatch(scenario, { size, seed: 3 });
  game.reset(0);
  runEpisodes(game, majority, adversary, new HonestActions(size, scenario.n, scenario), new AdversaryActions(size, scenario.n, scenario));
  const outcomes = new Outcomes(size);
  judgeBatch(game, outcomes);
  return { game, outcomes };
}

/** The verifier's attacks on majority: one per chance outcome it wins (inputs differ: half of them). */
function attacksOnMajority(): Attack[] {
  const result = verify({ scenario, honest: majority });
  if (result.verdict !== 'unsafe') throw new Error('majority is safe on byzantine-breaking?');
  return result.attacks;
}

describe('AttackPool', () => {
  it('plays an attack in every episode whose faulty set and honest inputs it covers, the fallback elsewhere', () => {
    const attacks = attacksOnMajority();
    const pool = new AttackPool(silent, { share: 1, perOutcome: 4 });
    expect(pool.add(attacks)).toBe(attacks.length);
    const { game, outcomes } = play(pool);
    let covered = 0;
    for (let b = 0; b < game.size; b++) {
      const n = game.n;
      const honestInputs = [0, 1, 2].filter((i) => !game.faulty[b * n + i]).map((i) => game.input[b * n + i]);
      const differ = honestInputs[0] !== honestInputs[1];
      // Silence cannot split majority (GAME.md's tie rule); every attack does.
      expect(outcomes.win[b]).toBe(differ ? 0 : 1);
      if (differ) covered++;
    }
    expect(covered).toBeGreaterThan(100);
  });

  it('plays the fallback everywhere when empty or with share 0, and draws the share from the adversary streams', () => {
    const attacks = attacksOnMajority();
    expect(play(new AttackPool(silent, { share: 1, perOutcome: 4 })).outcomes.win.every((w) => w === 1)).toBe(true);
    const never = new AttackPool(silent, { share: 0, perOutcome: 4 });
    never.add(attacks);
    expect(play(never).outcomes.win.every((w) => w === 1)).toBe(true);
    const half = new AttackPool(silent, { share: 0.5, perOutcome: 4 });
    half.add(attacks);
    const first = play(half).outcomes.win;
    const losses = first.reduce((s, w) => s + (1 - w), 0);
    expect(losses / first.length).toBeGreaterThan(0.15);
    expect(losses / first.length).toBeLessThan(0.35);
    expect(play(half).outcomes.win).toEqual(first);
  });

  it('keeps an attack once and at most perOutcome per chance outcome, the oldest leaving first', () => {
    const [attack] = attacksOnMajority();
    const pool = new AttackPool(silent, { share: 1, perOutcome: 2 });
    expect(pool.add([attack!, attack!])).toBe(1);
    const variant = (value: number): Attack => ({ setup: attack!.setup, script: [{ messages: [[attack!.setup.faulty[0]!, 0, value, 0]] }] });
    expect(pool.add([variant(0), variant(1)])).toBe(2);
    expect(pool.size).toBe(2);
    expect(pool.add([attack!])).toBe(1); // it had left the pool
  });

  it('replays the latest attacks whole, chance outcome included, in replayShare of the episodes', () => {
    // One attack on majority: faulty agent 2, honest inputs 0 and 1, a script that splits them.
    const attack = attacksOnMajority().find((a) => a.setup.faulty[0] === 2)!;
    const size = 400;
    const replaying = (replayShare: number) => {
      const pool = new AttackPool(silent, { share: 0, perOutcome: 4, replayShare });
      pool.add([attack]);
      const game = new GameBatch(scenario, { size, seed: 3 });
      game.reset(0);
      pool.replaySetups(game);
      const setups = Array.from({ length: size }, (_, b) => `${game.faulty.slice(b * 3, b * 3 + 3).join('')}|${game.input.slice(b * 3, b * 3 + 3).join('')}`);
      runEpisodes(game, majority, pool, new HonestActions(size, scenario.n, scenario), new AdversaryActions(size, scenario.n, scenario));
      const outcomes = new Outcomes(size);
      judgeBatch(game, outcomes);
      return { setups, win: outcomes.win };
    };
    const attackSetup = `001|${attack.setup.inputs.join('')}`;
    // Without whole replays (and share 0) the attack's outcome comes up by chance only, and silence never wins it.
    const none = replaying(0);
    expect(none.win.every((w) => w === 1)).toBe(true);
    // With a quarter: about a quarter of the episodes are set to the attack's outcome and lose to its script.
    const quarter = replaying(0.25);
    const lost = quarter.win.reduce((s, w) => s + (1 - w), 0);
    expect(lost / size).toBeGreaterThan(0.18);
    expect(lost / size).toBeLessThan(0.32);
    quarter.win.forEach((w, b) => {
      if (w === 0) expect(quarter.setups[b]).toBe(attackSetup);
    });
    expect(replaying(0.25).win).toEqual(quarter.win);
    expect(() => new AttackPool(silent, { share: 0, perOutcome: 1, replayShare: 1.5 })).toThrow('attack pool: replayShare must be in 0..1 (got 1.5)');
  });

  it('replays from every attack held with replayFrom held, from the latest verification\'s only by default', () => {
    // Two verifications' worth: first an attack with faulty agent 2, then one with faulty agent 0.
    const attacks = attacksOnMajority();
    const first = attacks.find((a) => a.setup.faulty[0] === 2)!;
    const second = attacks.find((a) => a.setup.faulty[0] === 0)!;
    const size = 400;
    const replayedFaulty = (replayFrom: 'latest' | 'held' | undefined) => {
      const pool = new AttackPool(silent, { share: 0, perOutcome: 4, replayShare: 1, ...(replayFrom && { replayFrom }) });
      pool.add([first]);
      pool.add([second]);
      const game = new GameBatch(scenario, { size, seed: 3 });
      game.reset(0);
      pool.replaySetups(game);
      const counts = [0, 0, 0];
      for (let b = 0; b < size; b++) for (let i = 0; i < 3; i++) counts[i]! += game.faulty[b * 3 + i]!;
      return counts;
    };
    expect(replayedFaulty(undefined)).toEqual([size, 0, 0]);
    expect(replayedFaulty('latest')).toEqual([size, 0, 0]);
    const held = replayedFaulty('held');
    expect(held[0]! + held[2]!).toBe(size);
    expect(held[2]! / size).toBeGreaterThan(0.4);
    expect(held[2]! / size).toBeLessThan(0.6);
  });

  it('under crash faults matches an attack on every agent\'s input, the faulty agents\' too', () => {
    const crash = loadScenario('phase-king-n5-f1', ['n=4', 'f=2', 'faults=crash', 'maxRounds=4']);
    const never: Adversary = { name: 'never-crash', summary: 'crashes nobody', refuse: () => undefined, act: () => {} };
    // Agent 0 crashes in round 1 where agents 0, 1 are faulty and every input is 1.
    const attack: Attack = { setup: { faulty: [0, 1], inputs: [1, 1, 1, 1] }, script: [{ crashes: [0] }] };
    const crashedWhere = (faultyInputsCount: boolean) => {
      const pool = new AttackPool(never, { share: 1, perOutcome: 1, faultyInputsCount });
      pool.add([attack]);
      const size = 800;
      const game = new GameBatch(crash, { size, seed: 2 });
      game.reset(0);
      runEpisodes(game, getProtocol('majority', crash), pool, new HonestActions(size, 4, crash), new AdversaryActions(size, 4, crash));
      const seen = { matching: 0, crashedAtMatching: 0, crashedElsewhere: 0, honestOnly: 0 };
      for (let b = 0; b < size; b++) {
        const faulty01 = game.faulty[b * 4] === 1 && game.faulty[b * 4 + 1] === 1;
        const inputs = Array.from(game.input.slice(b * 4, b * 4 + 4)).join('');
        const crashed = game.crashedAt[b * 4] !== 0;
        if (faulty01 && inputs === '1111') {
          seen.matching++;
          if (crashed) seen.crashedAtMatching++;
        } else if (crashed) {
          seen.crashedElsewhere++;
          if (faulty01 && inputs.endsWith('11')) seen.honestOnly++;
        }
      }
      return seen;
    };
    const every = crashedWhere(true);
    expect(every.matching).toBeGreaterThan(3);
    expect(every.crashedAtMatching).toBe(every.matching);
    expect(every.crashedElsewhere).toBe(0);
    // Matching on the honest inputs alone plays the script where the faulty inputs differ too.
    const honestOnly = crashedWhere(false);
    expect(honestOnly.crashedAtMatching).toBe(honestOnly.matching);
    expect(honestOnly.honestOnly).toBeGreaterThan(5);
  });

  it('withholds a scripted pki relay of a value the honest origin did not sign in this episode', () => {
    const pki = loadScenario('pki');
    const eig = getProtocol('eig', pki);
    // Agent 0 is faulty and forwards "agent 1 signed 1" to everyone in round 2; agent 1's input is 0.
    const forged: Attack = { setup: { faulty: [0], inputs: [0, 0, 0, 0] }, script: [{}, { relays: [[0, 2, 1, 1], [0, 3, 1, 1]] }] };
    const pool = new AttackPool(getAdversary('silent', pki), { share: 1, perOutcome: 1 });
    pool.add([forged]);
    const game = new GameBatch(pki, { size: 64, seed: 1 });
    game.reset(0);
    expect(() => runEpisodes(game, eig, pool, new HonestActions(64, 4, pki), new AdversaryActions(64, 4, pki))).not.toThrow();
    const outcomes = new Outcomes(64);
    judgeBatch(game, outcomes);
    expect(outcomes.win.every((w) => w === 1)).toBe(true);
  });
});
