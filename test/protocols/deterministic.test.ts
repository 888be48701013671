// Known answers from the literature as tests: each deterministic classic protocol wins every one of
// 20,000 episodes (2,000 at n = 7) against every fixed adversary of the registry that can run, in
// settings inside its assumptions. A single lost episode fails the test (the rate must be exactly 1).
//   majority — the seed paper's optimum with f = 0 (GAME.md §9);
//   phase king — Berman, Garay & Perry 1989: n > 4f;
//   EIG / OM(f) — Lamport, Shostak & Pease 1982: n > 3f (here n = 4, f = 1 and n = 7, f = 2, relay
//     chains of 3 signatures);
//   Dolev–Strong — Dolev & Strong 1983: broadcast with signatures for any f < n (here n = 3, f = 1
//     and n = 4, f = 2);
//   FloodSet — Lynch 1996 §6.2: crash (and send-omission) faults, any f < n, f+1 rounds.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play } from '../../src/play/play.js';
import { ADVERSARIES } from '../../src/protocols/registry.js';

const EPISODES = 20_000;

interface Setting {
  protocol: string;
  preset: string;
  overrides: string[];
  /** Adversaries that must be among those run, so the table cannot silently shrink. */
  mustRun: string[];
  /** Episodes per adversary when not EPISODES (n = 7 plays ~10× slower per episode). */
  episodes?: number;
}

const SETTINGS: Setting[] = [
  { protocol: 'majority', preset: 'honest-consensus', overrides: [], mustRun: ['silent', 'random', 'equivocate', 'crash'] },
  { protocol: 'phase-king', preset: 'phase-king-n5-f1', overrides: [], mustRun: ['silent', 'random', 'equivocate', 'crash'] },
  { protocol: 'phase-king', preset: 'phase-king-n5-f1', overrides: ['faults=crash'], mustRun: ['random', 'crash'] },
  { protocol: 'phase-king', preset: 'phase-king-n5-f1', overrides: ['faults=omission'], mustRun: ['random', 'crash'] },
  { protocol: 'floodset', preset: 'phase-king-n5-f1', overrides: ['n=4', 'f=2', 'faults=crash', 'maxRounds=4'], mustRun: ['random', 'crash', 'fuzz'] },
  { protocol: 'floodset', preset: 'phase-king-n5-f1', overrides: ['n=6', 'f=3', 'faults=omission', 'maxRounds=5'], mustRun: ['random', 'crash', 'fuzz'] },
  { protocol: 'eig', preset: 'ba-n4-f1', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'] },
  { protocol: 'eig', preset: 'ic-n4-f1', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'] },
  { protocol: 'eig', preset: 'ba-n4-f1', overrides: ['problem=broadcast'], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'] },
  { protocol: 'eig', preset: 'pki', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'withhold-relays'] },
  { protocol: 'eig', preset: 'ba-n7-f2', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'], episodes: 2_000 },
  { protocol: 'eig', preset: 'ba-n7-f2', overrides: ['problem=interactive-consistency'], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'], episodes: 2_000 },
  { protocol: 'eig', preset: 'ba-n7-f2', overrides: ['problem=broadcast'], mustRun: ['random', 'equivocate', 'crash', 'lie-relays'], episodes: 2_000 },
  { protocol: 'dolev-strong', preset: 'bb-pki-n3-f1', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'withhold-relays'] },
  { protocol: 'dolev-strong', preset: 'bb-pki-n4-f2', overrides: [], mustRun: ['random', 'equivocate', 'crash', 'withhold-relays'] },
  {
    protocol: 'dolev-strong',
    preset: 'bb-pki-n4-f2',
    overrides: ['problem=interactive-consistency'],
    mustRun: ['random', 'equivocate', 'crash', 'withhold-relays'],
  },
  {
    protocol: 'dolev-strong',
    preset: 'bb-pki-n3-f1',
    overrides: ['problem=interactive-consistency'],
    mustRun: ['random', 'equivocate', 'crash', 'withhold-relays'],
  },
];

describe.each(SETTINGS)('$protocol on $preset $overrides', ({ protocol, preset, overrides, mustRun, episodes = EPISODES }) => {
  const scenario = loadScenario(preset, overrides);
  const adversaries = ADVERSARIES.filter((adversary) => adversary.refuse(scenario) === undefined);

  it('runs against the adversaries that apply', () => {
    expect(adversaries.map((a) => a.name)).toEqual(expect.arrayContaining(mustRun));
  });

  it.each(adversaries.map((a) => [a.name, a] as const))(`wins all ${episodes} episodes against %s`, (_name, adversary) => {
    const result = play({ scenario, honest: protocol, adversary, episodes, seed: 2 });
    expect({ winRate: result.winRate, consistency: result.consistencyViolationRate, validity: result.validityViolationRate }).toEqual({
      winRate: 1,
      consistency: 0,
      validity: 0,
    });
  });
});
