// The random-search adversary (`fuzz`, ByzzFuzz-style): deterministic under a seed, legal wherever
// it runs (the conformance suite, and real protocols in the engine, which throws on an illegal
// action), honest outside its few planned fault rounds, and partitions that delay only across the cut.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { checkAdversary } from '../../src/game/conformance.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import type { Scenario } from '../../src/game/scenario.js';
import { renderTrace } from '../../src/game/trace.js';
import { play, playEpisode } from '../../src/play/play.js';
import { FUZZ_FAULT_ROUNDS, fuzzAdversary, planFuzz } from '../../src/protocols/adversaries/fuzz.js';
import { getAdversary, getProtocol, PROTOCOLS } from '../../src/protocols/registry.js';

const BUDGET = { episodes: 96, batchSize: 32, soloEpisodes: 6 };

/** Every preset, plus the fault and timing models the presets leave out. */
const SCENARIOS = [
  ...Object.keys(PRESETS).map((name) => [name, loadScenario(name)] as const),
  ['omission n=4 f=1', loadScenario('phase-king-n5-f1', ['n=4', 'faults=omission'])] as const,
  ['async byzantine relays', loadScenario('ba-n4-f1', ['timing=async', 'maxDelay=2', 'maxRounds=5'])] as const,
  ['partial-sync byzantine pki', loadScenario('bb-pki-n3-f1', ['timing=partial-sync', 'maxDelay=1', 'maxRounds=4'])] as const,
  ['interactive consistency values=3', loadScenario('ic-n4-f1', ['values=3'])] as const,
];

describe('fuzz: the adversary conformance checks', () => {
  it('is the registry adversary `fuzz`', () => {
    expect(getAdversary('fuzz')).toBe(fuzzAdversary);
  });

  it.each(SCENARIOS)('%s', (_name, scenario) => {
    const result = checkAdversary(fuzzAdversary, scenario, BUDGET);
    expect(result.ok ? [] : result.failures).toEqual([]);
  });

  it('plays every protocol where it runs without an illegal action (the engine throws on one)', () => {
    let pairs = 0;
    for (const [, scenario] of SCENARIOS)
      for (const protocol of PROTOCOLS) {
        if (protocol.refuse(scenario)) continue;
        expect(() => play({ scenario, honest: protocol, adversary: fuzzAdversary, episodes: 64, seed: 5 })).not.toThrow();
        pairs++;
      }
    expect(pairs).toBeGreaterThan(20);
  });
});

describe('fuzz: deterministic under a seed', () => {
  const scenario = loadScenario('phase-king-n5-f1');
  const trace = (seed: number, episode: number) => renderTrace(playEpisode(scenario, 'phase-king', 'fuzz', seed, episode), 0);

  it('the same seed and episode replay the same episode; another seed plays another', () => {
    const first = Array.from({ length: 8 }, (_, e) => trace(3, e));
    expect(Array.from({ length: 8 }, (_, e) => trace(3, e))).toEqual(first);
    expect(Array.from({ length: 8 }, (_, e) => trace(4, e))).not.toEqual(first);
  });

  it('an episode plays the same alone as inside a batch', () => {
    const a = play({ scenario, honest: 'phase-king:threshold-plus-1', adversary: 'fuzz', episodes: 300, seed: 9, batchSize: 300 });
    const b = play({ scenario, honest: 'phase-king:threshold-plus-1', adversary: 'fuzz', episodes: 300, seed: 9, batchSize: 7 });
    expect(b.winRate).toBe(a.winRate);
    expect(b.meanMessages).toBe(a.meanMessages);
  });
});

/** Plays 64 episodes of `protocol` against fuzz round by round, calling `inspect` with each round's chosen actions before they are applied. */
function playRounds(scenario: Scenario, protocolName: string, seed: number, inspect: (game: GameBatch, honest: HonestActions, out: AdversaryActions) => void): void {
  const protocol = getProtocol(protocolName);
  const size = 64;
  const game = new GameBatch(scenario, { size, seed, memorySlots: protocol.memorySlots });
  const honest = new HonestActions(size, scenario.n, scenario);
  const out = new AdversaryActions(size, scenario.n, scenario);
  game.reset(0);
  while (!game.allDone) {
    honest.clear();
    protocol.act(game, honest);
    out.clear();
    fuzzAdversary.act(game, honest, out);
    inspect(game, honest, out);
    game.step(honest, out);
  }
}

describe('fuzz: small-scope faults', () => {
  it('faulty agents send what the protocol would, except in the 1..3 planned fault rounds', () => {
    const scenario = loadScenario('phase-king-n5-f1');
    const n = scenario.n;
    let corruptedOutside = 0;
    let corruptedInside = 0;
    playRounds(scenario, 'phase-king', 11, (game, honest, out) => {
      for (let b = 0; b < game.size; b++) {
        if (game.done[b]) continue;
        const plan = planFuzz(game, b);
        const faultRounds = plan.faultRound.slice(1, scenario.maxRounds + 1).reduce((x, y) => x + y, 0);
        expect(faultRounds).toBeGreaterThanOrEqual(1);
        expect(faultRounds).toBeLessThanOrEqual(FUZZ_FAULT_ROUNDS);
        for (let i = 0; i < n; i++) {
          const a = b * n + i;
          if (!game.faulty[a]) continue;
          for (let j = 0; j < n; j++) {
            if (j === i || game.faulty[b * n + j]) continue;
            const differs = out.message[a * n + j] !== honest.message[a];
            if (plan.faultRound[game.round]) corruptedInside += differs ? 1 : 0;
            else corruptedOutside += differs ? 1 : 0;
          }
        }
      }
    });
    expect(corruptedOutside).toBe(0);
    expect(corruptedInside).toBeGreaterThan(0);
  });

  it('under async, only messages across a planned partition are delayed', () => {
    const scenario = loadScenario('ba-n4-f1', ['timing=async', 'maxDelay=2', 'maxRounds=5']);
    const n = scenario.n;
    let delayed = 0;
    playRounds(scenario, 'eig', 2, (game, _honest, out) => {
      for (let b = 0; b < game.size; b++) {
        if (game.done[b]) continue;
        const split = planFuzz(game, b).partition[game.round]!;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const delay = out.delay[(b * n + i) * n + j]!;
            const across = split !== 0 && (((split - 1) >> i) & 1) !== (((split - 1) >> j) & 1);
            if (!across) expect(delay).toBe(0);
            else expect(delay).toBeGreaterThanOrEqual(1);
            delayed += delay > 0 ? 1 : 0;
          }
      }
    });
    expect(delayed).toBeGreaterThan(0);
  });
});
