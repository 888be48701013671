// The conformance suite over every preset, and over every registered protocol and adversary in
// every preset it does not refuse (new registry entries are picked up automatically); then proof
// that the suite catches what it claims to catch.
import { describe, expect, it } from 'vitest';
import type { HonestActions } from '../../src/game/actions.js';
import {
  assertProtocol,
  checkAdversary,
  CHECKS,
  checkProtocol,
  checkScenario,
  ConformanceError,
  type CheckResult,
  type ConformanceProtocol,
} from '../../src/game/conformance.js';
import type { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import type { Scenario } from '../../src/game/scenario.js';
import { ADVERSARIES, PROTOCOLS } from '../../src/protocols/registry.js';

const SCENARIOS: Array<[string, Scenario]> = Object.keys(PRESETS).map((name) => [name, loadScenario(name)]);
const SCENARIO_CHECKS = CHECKS.filter((c) => c !== 'refused' && c !== 'view independence');
/** Larger than the library defaults (the whole file still runs in seconds): more episodes, more branches of play. */
const BUDGET = { episodes: 192, batchSize: 64, soloEpisodes: 8 };

/** Failures of one check: lines `label: check: …` or `label: check (vs …): …`. */
function failuresOf(result: CheckResult, check: string): string[] {
  if (result.ok) return [];
  return result.failures.filter((line) => {
    const rest = line.slice(line.indexOf('): ') + 3);
    return rest.startsWith(`${check}:`) || rest.startsWith(`${check} (`);
  });
}

describe('checkScenario: every preset × every check', () => {
  const results = new Map<string, CheckResult>();
  const resultFor = (name: string, scenario: Scenario) => {
    if (!results.has(name)) results.set(name, checkScenario(scenario, BUDGET));
    return results.get(name)!;
  };

  it.each(SCENARIOS.flatMap(([name, scenario]) => SCENARIO_CHECKS.map((check) => [name, check, scenario] as const)))('%s: %s', (name, check, scenario) => {
    expect(failuresOf(resultFor(name, scenario), check)).toEqual([]);
  });

  it.each(SCENARIOS)('%s: passes as a whole, without warnings', (name, scenario) => {
    const result = resultFor(name, scenario);
    expect(result.ok ? [] : result.failures).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

describe('checkProtocol: every registered protocol × every preset it does not refuse', () => {
  const pairs = PROTOCOLS.flatMap((protocol) => SCENARIOS.filter(([, s]) => !protocol.refuse(s)).map(([name, s]) => [protocol.name, name, protocol, s] as const));

  it('covers every protocol somewhere', () => {
    for (const protocol of PROTOCOLS) expect(pairs.some(([p]) => p === protocol.name), `${protocol.name} runs in no preset`).toBe(true);
  });

  it.each(pairs)('%s in %s', (_protocol, _preset, protocol, scenario) => {
    const result = checkProtocol(protocol, scenario, BUDGET);
    expect(result.ok ? [] : result.failures).toEqual([]);
  });
});

describe('checkAdversary: every registered adversary × every preset it does not refuse', () => {
  const pairs = ADVERSARIES.flatMap((adversary) => SCENARIOS.filter(([, s]) => !adversary.refuse(s)).map(([name, s]) => [adversary.name, name, adversary, s] as const));

  it.each(pairs)('%s in %s', (_adversary, _preset, adversary, scenario) => {
    const result = checkAdversary(adversary, scenario, BUDGET);
    expect(result.ok ? [] : result.failures).toEqual([]);
  });
});

describe('the suite catches broken strategies', () => {
  const paper = loadScenario('honest-consensus');
  const sendThenCommit = (commit: (game: GameBatch, b: number, i: number) => number): ConformanceProtocol => ({
    name: 'test-protocol',
    memorySlots: 0,
    refuse: () => undefined,
    act(game: GameBatch, out: HonestActions) {
      for (let b = 0; b < game.size; b++)
        for (let i = 0; i < game.n; i++) {
          if (!game.needsAction(b, i)) continue;
          if (game.round === 1) out.message[b * game.n + i] = game.input[b * game.n + i]!;
          else out.decision[b * game.n + i] = commit(game, b, i);
        }
    },
  });

  it('an illegal action (paper: sending a value that is not the own input)', () => {
    const liar: ConformanceProtocol = { ...sendThenCommit(() => 0), act(game, out) {
      for (let a = 0; a < game.size * game.n; a++) out.message[a] = 1 - game.input[a]!;
    } };
    const failures = failuresOf(checkProtocol(liar, paper), 'legal actions');
    expect(failures[0]).toMatch(/legal actions \(vs random-legal adversary\): episodes 0\.\.15, round 1: IllegalActionError: .*only the own input/);
  });

  it('nondeterminism: a choice that depends on state outside the episode (a counter kept across runs)', () => {
    let calls = 0;
    const drifting = sendThenCommit(() => (calls++ >= 200 ? 1 : 0));
    expect(failuresOf(checkProtocol(drifting, paper), 'determinism').length).toBeGreaterThan(0);
  });

  it('batch dependence: a choice that depends on the batch size', () => {
    const batchy = sendThenCommit((game) => (game.size > 1 ? 1 : 0));
    const result = checkProtocol(batchy, paper);
    expect(failuresOf(result, 'batch independence')[0]).toMatch(/episode 0: decision\[0\] \(1 vs 0\) differs between batch size 16 and 1/);
    expect(failuresOf(result, 'determinism')).toEqual([]);
  });

  it('peeking: a choice that reads another agent\'s input', () => {
    const peeking = sendThenCommit((game, b, i) => game.input[b * game.n + ((i + 1) % game.n)]!);
    expect(failuresOf(checkProtocol(peeking, paper), 'view independence')[0]).toMatch(/view independence: episode \d+, round 2, agent \d: its action changed/);
  });

  it('peeking: a choice that reads who is faulty', () => {
    const byzantine = loadScenario('byzantine-breaking');
    const peeking = sendThenCommit((game, b, i) => (game.faulty[b * game.n + ((i + 1) % game.n)] ? 1 : game.input[b * game.n + i]!));
    expect(failuresOf(checkProtocol(peeking, byzantine), 'view independence').length).toBe(1);
  });

  it('peeking: a choice that reads an envelope between two others', () => {
    const peeking = sendThenCommit((game, b, i) => Math.max(0, game.received(b, (i + 1) % game.n, (i + 2) % game.n, 1)));
    expect(failuresOf(checkProtocol(peeking, paper), 'view independence').length).toBe(1);
  });

  it('no peeking: a choice read from the own envelopes passes', () => {
    const fair = sendThenCommit((game, b, i) => Math.max(0, game.received(b, i, (i + 1) % game.n, 1)));
    expect(failuresOf(checkProtocol(fair, paper), 'view independence')).toEqual([]);
  });

  it('a refusal is reported, not run', () => {
    const picky: ConformanceProtocol = { ...sendThenCommit(() => 0), refuse: (s) => `picky: needs n=7 (got n=${s.n})` };
    expect(checkProtocol(picky, paper)).toEqual({ ok: false, failures: ['checkProtocol(test-protocol, honest-consensus): refused: picky: needs n=7 (got n=3)'], warnings: [] });
  });

  it('assertProtocol throws a one-line ConformanceError carrying the result', () => {
    const liar: ConformanceProtocol = { ...sendThenCommit(() => 0), act(_game, out) {
      out.message.fill(5);
    } };
    let caught: unknown;
    try {
      assertProtocol(liar, paper);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConformanceError);
    const error = caught as ConformanceError;
    expect(error.message).toMatch(/^checkProtocol\(test-protocol, honest-consensus\): 2 failure\(s\): /);
    expect(error.message).not.toContain('\n');
    expect((error.cause as CheckResult).ok).toBe(false);
  });

  it('a good protocol passes assertProtocol', () => {
    expect(() => assertProtocol(sendThenCommit(() => 0), paper)).not.toThrow();
  });
});
