// `discover` checks its result with one agent more (n+1): the equivariant honest network reads any
// n, and a protocol proven safe at n is often unsafe at n+1 (bb-pki-n3-f1 learned at n=4 loses
// 12.5% at n=5). First the verifier's cheap attacks (a loss they win is a lower bound), else the
// proof within a tenth of a check's budget; a scenario or network that refuses n+1 is skipped, with
// the reason; `checkLarger: false` (`--no-check-larger`) turns the check off.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAtNPlusOne, formatDiscovery } from '../../src/cli/commands/discover.js';
import { cgymJson } from '../cli/cgym.js';
import { checkAtNPlusOne, discover, discoveryPaths, LARGER_MAX_STATES, largerVerifier, realLargerVerifier, type DiscoveryReport, type LargerVerifier } from '../../src/discover/discover.js';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork, type SavedPolicy } from '../../src/policy/PolicyNetwork.js';
import { readCheckpoint } from '../../src/train/runFolder.js';
import type { TrainHooks } from '../../src/train/train.js';
import { verify } from '../../src/verify/verify.js';

const freshRun = (): string => join(mkdtempSync(join(tmpdir(), 'cgym-nplus-')), 'run');

/** A verifier that proves every policy safe at once (the run stops at its first check). */
const safeAtOnce: NonNullable<TrainHooks['verify']> = () => ({ worstCaseLoss: 0, attacks: [] });

/** A stub for the n+1 check that records the n it was asked about. */
function recordingLarger(): { verifyLarger: LargerVerifier; askedAt: number[] } {
  const askedAt: number[] = [];
  return { askedAt, verifyLarger: (scenario) => (askedAt.push(scenario.n), { verdict: 'safe', worstCaseLoss: 0, lowerBound: false }) };
}

/**
 * honest-consensus's paper head with every weight 0 and "commit my input" (own-input frame: value
 * column 0) far ahead: each agent commits its own input in round 1, whatever it hears.
 */
function commitOwnInput(kind: 'equivariant' | 'mlp'): SavedPolicy {
  const scenario = loadScenario('honest-consensus');
  const made = honestNetwork(scenario, { kind, ...(kind === 'equivariant' && { encoder: [] }), hidden: [], seed: 1, commitAtHorizon: true, observation: { valueFrame: 'own-input' } });
  const saved = made.toJSON({ optimizer: false });
  made.dispose();
  const paper = new ActionSpace(scenario).head('action')!;
  const bias = new Array<number>(made.maskWidth).fill(0);
  bias[paper.offset + 1] = 10;
  return { ...saved, weights: [saved.weights[0]!.map(() => 0), bias] };
}

describe('discover: the result with one agent more', () => {
  it('honest-consensus seed 0 (proven safe at n=3) is unsafe at n=4: the cheap attacks win the 2–2 splits, and a small search gives the exact loss; discovery.json and the CLI carry it', async () => {
    const run = freshRun();
    const report = await discover({ scenario: 'honest-consensus', seed: 0, run, episodes: 200 });
    expect(report.stoppedBecause).toBe('verified safe');
    const check = report.atNPlusOne!;
    // With no faulty agent an episode is its chance outcome: the learned majority breaks a 2–2 tie towards each agent's own input.
    expect(check).toMatchObject({ n: 4, verdict: 'unsafe', worstCaseLoss: 6 / 16, lowerBound: false });
    expect(check.attack!.inputs.filter((v) => v === 1)).toHaveLength(2);
    expect(check.attack!.violated).toContain('consistency');
    // The exact loss of the same policy at n=4, from the run's checkpoint.
    const larger = loadScenario('honest-consensus', ['n=4']);
    const network = PolicyNetwork.fromJSON(readCheckpoint(run)!.best!.policy);
    try {
      expect(verify({ scenario: larger, honest: new NeuralProtocol(network, larger, 'greedy') }).worstCaseLossRate).toBe(6 / 16);
    } finally {
      network.dispose();
    }
    expect(JSON.parse(readFileSync(discoveryPaths(run).report, 'utf8')).atNPlusOne).toEqual(check);
    expect(formatDiscovery(report)).toMatch(/^ {2}at n=4 \(one agent more\): unsafe: worst-case loss 37\.50% \(exact; e\.g\. faulty \{\}, inputs [01]{4}: consistency; \d+\.\d s\)$/m);
  });

  it('a policy that commits its own input: 87.5% at n=4 (14 of 16 input vectors disagree), exact; beyond the exact search\'s budget, the cheap attacks\' lower bound', () => {
    const check = (verifyLarger: LargerVerifier) => checkAtNPlusOne({ request: { scenario: 'honest-consensus', set: [], seed: 0 }, n: 3, run: 'hand-set', policy: commitOwnInput('equivariant'), reachedAtN: true, verifyLarger });
    expect(check(realLargerVerifier)).toMatchObject({ n: 4, verdict: 'unsafe', worstCaseLoss: 14 / 16, lowerBound: false });
    const bounded = check(largerVerifier(LARGER_MAX_STATES, 1));
    expect(bounded).toMatchObject({ n: 4, verdict: 'unsafe', lowerBound: true });
    expect(bounded.worstCaseLoss).toBeGreaterThan(0);
    expect(bounded.worstCaseLoss).toBeLessThanOrEqual(14 / 16);
    expect(formatAtNPlusOne(bounded)).toMatch(/unsafe: worst-case loss ≥ \d+\.\d+% \(a lower bound: what cheap attacks won/);
  });

  it('checks the scenario with the run\'s overrides plus n+1, through the injected verifier', async () => {
    const larger = recordingLarger();
    const report = await discover({ scenario: 'honest-consensus', set: ['n=4'], epochs: 5, run: freshRun(), verify: safeAtOnce, verifyLarger: larger.verifyLarger, episodes: 100 });
    expect(larger.askedAt).toEqual([5]);
    expect(report.atNPlusOne).toMatchObject({ n: 5, verdict: 'safe', worstCaseLoss: 0, lowerBound: false });
  });

  it('checkLarger: false turns it off: no check, null in discovery.json, no line', async () => {
    const run = freshRun();
    const larger = recordingLarger();
    const report = await discover({ scenario: 'honest-consensus', epochs: 5, run, verify: safeAtOnce, verifyLarger: larger.verifyLarger, checkLarger: false, episodes: 100 });
    expect(larger.askedAt).toEqual([]);
    expect(report.atNPlusOne).toBeNull();
    expect(JSON.parse(readFileSync(discoveryPaths(run).report, 'utf8')).atNPlusOne).toBeNull();
    expect(formatDiscovery(report)).not.toMatch(/one agent more/);
  });

  it('cgym discover checks n+1 by default, and --no-check-larger turns it off', () => {
    const base = ['discover', '--scenario', 'honest-consensus', '--epochs', '5'];
    const on = cgymJson<DiscoveryReport>([...base, '--run', freshRun()]);
    expect(on.atNPlusOne).toMatchObject({ n: 4 });
    expect(on.atNPlusOne!.verdict).not.toBe('skipped');
    expect(cgymJson<DiscoveryReport>([...base, '--run', freshRun(), '--no-check-larger']).atNPlusOne).toBeNull();
  });

  it('a scenario that refuses n+1 (inputs split 2+1 must sum to n−f) is skipped, with the scenario\'s reason in one line', async () => {
    const larger = recordingLarger();
    const report = await discover({ scenario: 'honest-consensus', set: ['inputs={"split":[2,1]}'], epochs: 5, run: freshRun(), verify: safeAtOnce, verifyLarger: larger.verifyLarger, episodes: 100 });
    expect(larger.askedAt).toEqual([]);
    expect(report.atNPlusOne).toMatchObject({ n: 4, verdict: 'skipped', worstCaseLoss: null });
    expect(report.atNPlusOne!.reason).toBe('the scenario refuses n=4: scenario honest-consensus: inputs={"split":[2,1]}: split counts 2+1 must sum to n-f=4');
    expect(formatDiscovery(report)).toContain('  at n=4 (one agent more): not checked: the scenario refuses n=4:');
  });

  it('a network that reads only its n (not equivariant) is skipped, and so is a result the verifier did not reach at n', () => {
    const request = { scenario: 'honest-consensus', set: [], seed: 0 };
    const larger = recordingLarger();
    const mlp = checkAtNPlusOne({ request, n: 3, run: 'hand-set', policy: commitOwnInput('mlp'), reachedAtN: true, verifyLarger: larger.verifyLarger });
    expect(mlp).toMatchObject({ n: 4, verdict: 'skipped', reason: 'the network reads only n=3 (not equivariant)' });
    const unreached = checkAtNPlusOne({ request, n: 3, run: 'hand-set', policy: commitOwnInput('equivariant'), reachedAtN: false, verifyLarger: larger.verifyLarger });
    expect(unreached).toMatchObject({ verdict: 'skipped', reason: "the verifier reached no check of the result at n=3 (beyond its budget), and n=4 is larger" });
    expect(larger.askedAt).toEqual([]);
  });

  it('beyond its budget, the check is undecided with the verifier\'s reason', () => {
    // 16 chance outcomes at n=4: more than a budget of 8 states before any search starts.
    const report = checkAtNPlusOne({ request: { scenario: 'honest-consensus', set: [], seed: 0 }, n: 3, run: 'hand-set', policy: commitOwnInput('equivariant'), reachedAtN: true, verifyLarger: largerVerifier(8) });
    expect(report).toMatchObject({ n: 4, verdict: 'undecided', worstCaseLoss: null, reason: expect.stringMatching(/16 chance outcomes .* more than --max-states=8/) });
  });
});
