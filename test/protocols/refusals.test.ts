// Protocols and adversaries refuse, with one line naming the rule and the value, exactly where they
// cannot execute — and run (perhaps to lose) everywhere else.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { getAdversary, getProtocol } from '../../src/protocols/registry.js';
import { RefusedError } from '../../src/protocols/types.js';

type Case = [name: string, preset: string, overrides: string[], message: string];

const PROTOCOL_REFUSALS: Case[] = [
  ['majority', 'slush-4v1', [], 'majority: needs honestActions paper, free or relay (got slush)'],
  ['majority', 'ic-n4-f1', [], 'majority: needs problem agreement or broadcast (got interactive-consistency)'],
  ['majority', 'honest-consensus', ['maxRounds=1'], 'majority: needs maxRounds ≥ 2 (one to send, one to commit; got 1)'],
  ['phase-king', 'honest-consensus', [], 'phase-king: needs honestActions free or relay (got paper)'],
  ['phase-king', 'phase-king-n5-f1', ['problem=broadcast'], 'phase-king: needs problem=agreement (got broadcast)'],
  ['phase-king', 'phase-king-n5-f1', ['identity=anonymous'], "phase-king: needs identity authenticated or pki to tell the king's message apart (got anonymous)"],
  ['phase-king', 'phase-king-n5-f1', ['maxRounds=4'], 'phase-king: needs maxRounds ≥ 2(f+1)+1 = 5 for f=1 (got 4)'],
  ['phase-king', 'phase-king-n5-f1', ['n=9', 'f=2'], 'phase-king: needs maxRounds ≥ 2(f+1)+1 = 7 for f=2 (got 5)'],
  ['eig', 'phase-king-n5-f1', [], 'eig: needs honestActions=relay (got free)'],
  ['eig', 'ba-n4-f1', ['n=7', 'f=2'], 'eig: needs maxRounds ≥ f+2 = 4 (send, 2 relay rounds, decide; got 3)'],
  ['eig', 'ba-n7-f2', ['relayDepth=2'], 'eig: needs relayDepth ≥ f+1 = 3 (the tree\'s leaves are chains of f+1 agents; got 2)'],
  ['eig', 'ba-n4-f1', ['maxRounds=2'], 'eig: needs maxRounds ≥ 3 (send, relay, decide; got 2)'],
  ['dolev-strong', 'bb-pki-n3-f1', ['honestActions=free'], 'dolev-strong: needs honestActions=relay (got free)'],
  ['dolev-strong', 'pki', [], 'dolev-strong: needs problem broadcast or interactive-consistency (got agreement)'],
  ['dolev-strong', 'bb-pki-n3-f1', ['n=5', 'f=2'], 'dolev-strong: needs maxRounds ≥ f+2 = 4 (send, 2 relay rounds, decide; got 3)'],
  ['dolev-strong', 'bb-pki-n4-f2', ['relayDepth=2'], 'dolev-strong: needs relayDepth ≥ f+1 = 3 (chains of f+1 signatures; got 2)'],
  ['dolev-strong', 'bb-pki-n3-f1', ['maxRounds=2'], 'dolev-strong: needs maxRounds ≥ 3 (send, relay, decide; got 2)'],
];

const ADVERSARY_REFUSALS: Case[] = [
  ['equivocate', 'async-crash', [], 'equivocate: needs faults=byzantine (got crash)'],
  ['equivocate', 'ba-n4-f1', ['faults=omission'], 'equivocate: needs faults=byzantine (got omission)'],
  ['lie-relays', 'ba-n4-f1', ['faults=crash'], 'lie-relays: needs faults=byzantine (got crash)'],
  ['lie-relays', 'byzantine-breaking', [], 'lie-relays: needs honestActions=relay (got paper)'],
  ['lie-relays', 'bb-pki-n3-f1', [], 'lie-relays: needs identity=authenticated, where relayed claims carry no proof (got pki; under pki use withhold-relays)'],
  ['withhold-relays', 'bb-pki-n3-f1', ['faults=omission'], 'withhold-relays: needs faults=byzantine (got omission)'],
  ['withhold-relays', 'phase-king-n5-f1', ['identity=pki'], 'withhold-relays: needs honestActions=relay (got free)'],
  ['withhold-relays', 'ba-n4-f1', [], 'withhold-relays: needs identity=pki (got authenticated; without signatures use lie-relays)'],
];

/** Where each runs: inside its assumptions, and outside them (the attacks' playground). */
const RUNS: [kind: 'protocol' | 'adversary', name: string, preset: string, overrides: string[]][] = [
  ['protocol', 'majority', 'byzantine-breaking', []],
  ['protocol', 'majority', 'phase-king-n5-f1', ['identity=anonymous', 'maxRounds=2']],
  ['protocol', 'majority', 'bb-pki-n3-f1', []],
  ['protocol', 'phase-king', 'ba-n4-f1', ['maxRounds=5']],
  ['protocol', 'eig', 'ba-n3-f1', []],
  ['protocol', 'eig', 'bb-pki-n3-f1', ['problem=interactive-consistency']],
  ['protocol', 'dolev-strong', 'bb-pki-n3-f1', ['identity=authenticated']],
  ['adversary', 'random', 'async-crash', []],
  ['adversary', 'crash', 'ba-n4-f1', ['faults=omission']],
  ['adversary', 'equivocate', 'slush-n5', ['f=1']],
  ['adversary', 'lie-relays', 'ba-n3-f1', []],
  ['adversary', 'withhold-relays', 'pki', []],
];

function refusal(run: () => unknown): RefusedError {
  try {
    run();
  } catch (error) {
    if (error instanceof RefusedError) return error;
    throw error;
  }
  throw new Error('expected a RefusedError, but it ran');
}

describe('refusals', () => {
  it.each(PROTOCOL_REFUSALS)('protocol %s on %s %j: "%s"', (name, preset, overrides, message) => {
    const scenario = loadScenario(preset, overrides);
    const error = refusal(() => getProtocol(name, scenario));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it.each(ADVERSARY_REFUSALS)('adversary %s on %s %j: "%s"', (name, preset, overrides, message) => {
    const scenario = loadScenario(preset, overrides);
    const error = refusal(() => getAdversary(name, scenario));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it.each(RUNS)('%s %s runs on %s %j', (kind, name, preset, overrides) => {
    const scenario = loadScenario(preset, overrides);
    const found = kind === 'protocol' ? getProtocol(name, scenario) : getAdversary(name, scenario);
    expect(found.name).toBe(name);
  });

  it('random and crash never refuse', () => {
    for (const preset of ['byzantine-breaking', 'async-crash', 'slush-3v2', 'bb-pki-n3-f1']) {
      const scenario = loadScenario(preset);
      expect(getAdversary('random', scenario).name).toBe('random');
      expect(getAdversary('crash', scenario).name).toBe('crash');
    }
  });
});
