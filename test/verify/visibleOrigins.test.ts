// Origin pruning (src/verify/_internals/visibleOrigins.ts) must change nothing but the work: the
// same verdict and rates with and without it wherever both finish, a false declaration refused, and
// Dolev–Strong at n=4, f=2 with pki — out of reach without it — decided both ways round.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { HonestProtocol } from '../../src/game/strategy.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { RefusedError } from '../../src/protocols/types.js';
import { checkVisibleOrigins, compatibleWithRoles, withoutInvisible } from '../../src/verify/_internals/visibleOrigins.js';
import { DeclarationCheckError, replayCounterexample, verify, type VerifyResult } from '../../src/verify/verify.js';
import { verifyOnAllCores } from '../../src/verify/verifyOnAllCores.js';

const answer = (r: VerifyResult) => ({ verdict: r.verdict, violations: r.violations, worstCaseLossRate: r.worstCaseLossRate, breakRate: r.breakRate, chanceOutcomes: r.chanceOutcomes });

describe('origin pruning: the same answers with less work', () => {
  it.each([
    ['bb-pki-n3-f1', 'dolev-strong', [], 'safe'],
    ['bb-pki-n3-f1', 'dolev-strong', ['relayDepth=3'], 'safe'],
    ['bb-pki-n3-f1', 'dolev-strong', ['identity=authenticated'], 'unsafe'],
    ['bb-pki-n3-f1', 'dolev-strong', ['identity=authenticated', 'relayDepth=3'], 'unsafe'],
    ['bb-pki-n3-f1', 'dolev-strong:trust-direct-value', ['relayDepth=3'], 'unsafe'],
    ['bb-pki-n3-f1', 'dolev-strong:never-relays', [], 'unsafe'],
    ['ba-n4-f1', 'eig', ['problem=broadcast'], 'safe'],
    ['ba-n4-f1', 'eig:one-round-short', ['problem=broadcast'], 'unsafe'],
    ['ba-n4-f1', 'eig:never-relays', ['problem=broadcast'], 'unsafe'],
    ['ba-n4-f1', 'dolev-strong', ['problem=broadcast', 'identity=pki'], 'safe'],
    ['ba-n4-f1', 'dolev-strong', ['problem=broadcast'], 'unsafe'],
  ] as const)('%s %s %j: verdict, loss and break rates equal with and without it', (preset, honest, overrides, verdict) => {
    const scenario = loadScenario(preset, [...overrides]);
    const pruned = verify({ scenario, honest });
    const full = verify({ scenario, honest, originPruning: false });
    expect(pruned.verdict).toBe(verdict);
    expect(answer(pruned)).toEqual(answer(full));
    expect(pruned.visibleOrigins).toEqual([0]);
    expect(full.visibleOrigins).toBeUndefined();
    expect(pruned.states).toBeLessThanOrEqual(full.states);
    if (pruned.verdict === 'unsafe' && full.verdict === 'unsafe') {
      expect(pruned.attacks.map((a) => a.setup)).toEqual(full.attacks.map((a) => a.setup));
      for (const attack of pruned.attacks) expect(replayCounterexample(scenario, honest, attack.setup, attack.script).violated.length).toBeGreaterThan(0);
    }
  });

  it('Dolev–Strong at n=4, f=2 with pki is proved safe, and its accept-one-signature-fewer mutant broken, within a million states', () => {
    const scenario = loadScenario('bb-pki-n4-f2');
    const safe = verify({ scenario, honest: 'dolev-strong', maxStates: 1e6 });
    expect(safe).toMatchObject({ verdict: 'safe', chanceOutcomes: 24, visibleOrigins: [0] });
    // Only a faulty sender with a faulty relayer can use the missing signature: one faulty set of the six.
    const mutant = verify({ scenario, honest: 'dolev-strong:accept-one-signature-fewer', maxStates: 3e6, faultySets: [[0, 1], [2, 3]] });
    expect(mutant.verdict).toBe('unsafe');
    if (mutant.verdict !== 'unsafe') return;
    expect(mutant.property).toBe('consistency');
    expect(mutant.counterexample.setup.faulty).toEqual([0, 1]);
    expect(replayCounterexample(scenario, 'dolev-strong:accept-one-signature-fewer', mutant.counterexample.setup, mutant.counterexample.script).violated).toContain('consistency');
  });

  it('the worker threads search the same pruned moves', async () => {
    const scenario = loadScenario('bb-pki-n3-f1', ['identity=authenticated', 'relayDepth=3']);
    const one = verify({ scenario, honest: 'dolev-strong' });
    const many = await verifyOnAllCores({ scenario, honest: 'dolev-strong', workers: 2 });
    expect(answer(many)).toEqual(answer(one));
    expect(many.visibleOrigins).toEqual([0]);
    expect(many.states).toBe(one.states);
  });
});

/** Dolev–Strong claiming to read agent 0 alone where every agent is a sender (interactive consistency). */
const overclaiming: HonestProtocol = { ...getProtocol('dolev-strong'), name: 'overclaiming-dolev-strong', visibleOrigins: () => [0] };

describe('origin pruning: a declaration is checked before it is used', () => {
  it('a protocol that reads more origins than it declares is refused in one line, and verified as it is without the pruning', () => {
    const scenario = loadScenario('ic-n4-f1');
    // (With the symmetry reduction on, [0] would first be refused for splitting its all-alike agents.)
    expect(() => verify({ scenario, honest: overclaiming, symmetry: false })).toThrow(DeclarationCheckError);
    expect(() => verify({ scenario, honest: overclaiming, symmetry: false })).toThrow(/^overclaiming-dolev-strong: declares it reads only agents \[0\]' messages and chains \(visibleOrigins\), but leaving the others' out changes its decisionVector .* in round 3/);
    expect(checkVisibleOrigins(getProtocol('dolev-strong'), loadScenario('bb-pki-n3-f1'), [0])).toEqual({ ok: true });
    const asItIs = verify({ scenario, honest: overclaiming, originPruning: false, faultySets: [[3]] });
    expect(answer(asItIs)).toEqual(answer(verify({ scenario, honest: 'dolev-strong', faultySets: [[3]] })));
  });

  it('majority claiming to read agent 0 alone is caught by its messages', () => {
    const majority: HonestProtocol = { ...getProtocol('majority'), name: 'majority-of-one', visibleOrigins: () => [0] };
    const check = checkVisibleOrigins(majority, loadScenario('ba-n4-f1'), [0]);
    expect(check.ok).toBe(false);
  });

  it('origins that split a role class are refused with the symmetry reduction, not without it', () => {
    const splitting: HonestProtocol = { ...getProtocol('dolev-strong'), name: 'split-dolev-strong', visibleOrigins: () => [0, 1] };
    const scenario = loadScenario('bb-pki-n3-f1');
    expect(() => verify({ scenario, honest: splitting })).toThrow(/^split-dolev-strong: visibleOrigins \[0,1\] splits agents its agentRoles \[1,0,0\] call interchangeable/);
    expect(compatibleWithRoles([0], [1, 0, 0])).toBe(true);
    expect(compatibleWithRoles([0, 1], [1, 0, 0])).toBe(false);
    expect(verify({ scenario, honest: splitting, symmetry: false }).verdict).toBe('safe');
  });

  it('a declaration that is not a list of distinct agents is refused', () => {
    expect(checkVisibleOrigins(getProtocol('dolev-strong'), loadScenario('bb-pki-n3-f1'), [0, 0])).toMatchObject({ ok: false, why: expect.stringMatching(/must list distinct agents 0\.\.2/) });
    expect(checkVisibleOrigins(getProtocol('dolev-strong'), loadScenario('bb-pki-n3-f1'), [3])).toMatchObject({ ok: false });
  });

  it('the pruned script keeps only the declared origins\' messages and chains', () => {
    const round = { messages: [[0, 1, 1, 0], [2, 1, 0, 0]] as Array<[number, number, number, number]>, relays: [[2, 1, 0, 1], [0, 1, 2, 1, [3]]] as Array<[number, number, number, number] | [number, number, number, number, number[]]>, crashes: [2] };
    expect(withoutInvisible(round, [0])).toEqual({ messages: [[0, 1, 1, 0]], relays: [[2, 1, 0, 1]], crashes: [2] });
  });

  it('is a RefusedError, so the command line prints it as one line', () => {
    expect(new DeclarationCheckError('x')).toBeInstanceOf(RefusedError);
  });
});
