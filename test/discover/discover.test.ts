// `discover` (src/discover): the one discovery config validates on every row of issue 15's table;
// a run stops at the first verification that proves the policy safe, and otherwise stands for its
// best verified policy; its run folder is train's (never overwritten, resumable); the FLM bound is
// stated up front where no protocol can be safe. The verifier is a stub here (the options object's
// `verify`), so when the run is "safe" is decided by the test, not by learning.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiscovery } from '../../src/cli/commands/discover.js';
import { CLASSIC_PROTOCOLS, classicFor, impossibility } from '../../src/discover/classicProtocols.js';
import { discover } from '../../src/discover/discover.js';
import { DISCOVERY_CONFIG, SAMPLING_LEARNER, discoveryTrainConfig } from '../../src/discover/discoveryConfig.js';
import { usesSamples } from '../../src/game/actions.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { parseTrainConfig, resolveTrainConfig } from '../../src/train/config.js';
import { readCheckpoint, readMetrics } from '../../src/train/runFolder.js';
import type { TrainHooks } from '../../src/train/train.js';
import { StateLimitError } from '../../src/verify/verify.js';

/** The rows of issue 15's table, as `cgym discover` takes them. */
const ROWS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['honest-consensus', []],
  ['byzantine-breaking', []],
  ['pki', []],
  ['ba-n4-f1', []],
  ['bb-pki-n3-f1', []],
  ['phase-king-n5-f1', ['n=4', 'f=2', 'faults=crash', 'maxRounds=4']],
  ['ba-n3-f1', []],
];

const freshRun = (): string => join(mkdtempSync(join(tmpdir(), 'cgym-discover-')), 'run');

/** A verifier that answers the given worst-case losses in turn (the last one from then on). */
function scriptedVerifier(losses: readonly number[]): { verify: NonNullable<TrainHooks['verify']>; calls: () => number } {
  let calls = 0;
  return {
    verify: () => ({ worstCaseLoss: losses[Math.min(calls++, losses.length - 1)]!, attacks: [] }),
    calls: () => calls,
  };
}

describe('the discovery config', () => {
  it.each(ROWS.map(([name, set]) => [name, set]))('validates on %s (one config, no per-scenario entries)', (name, set) => {
    const scenario = loadScenario(name, set);
    const config = discoveryTrainConfig(scenario, { scenario: name, set, seed: 0, out: freshRun() });
    const resolved = resolveTrainConfig(parseTrainConfig(config));
    expect(resolved.stopWhenVerifiedSafe).toBe(true);
    expect(resolved.verifyEvery).toBeGreaterThan(0);
    expect(resolved.counterexamples).not.toBeNull();
    expect(resolved.honestNetwork.kind).toBe('equivariant');
  });

  it('judges majority-correct episodes where the rewards make missing the majority the worst outcome, by a rule that names no scenario', () => {
    const slush = discoveryTrainConfig(loadScenario('slush-3v2'), { scenario: 'slush-3v2', set: [], seed: 0, out: freshRun() });
    expect(slush.evalMetric).toBe('majorityCorrectRate');
    const consensus = discoveryTrainConfig(loadScenario('honest-consensus'), { scenario: 'honest-consensus', set: [], seed: 0, out: freshRun() });
    expect(consensus.evalMetric).toBe('winRate');
    // A sampling setting whose rewards do not count the majority is judged on wins.
    const slushScenario = loadScenario('slush-3v2');
    const noMajority = { ...slushScenario, rewards: { ...slushScenario.rewards, majorityViolation: 0 } };
    expect(discoveryTrainConfig(noMajority, { scenario: 'slush-3v2', set: [], seed: 0, out: freshRun() }).evalMetric).toBe('winRate');
  });

  it('gives every sampling setting, and only those, the sampling learner, by a rule that names no scenario', () => {
    for (const name of ['slush-3v2', 'slush-4v1', 'slush-n7']) {
      const config = discoveryTrainConfig(loadScenario(name), { scenario: name, set: [], seed: 0, out: freshRun() });
      const resolved = resolveTrainConfig(parseTrainConfig(config));
      expect(resolved.observation).toMatchObject({ history: 1, sampleView: 'record', valueFrame: 'symmetric' });
      expect(resolved.honestNetwork.encoder).toEqual([...SAMPLING_LEARNER.encoder]);
      expect(resolved.honestHidden).toEqual([...SAMPLING_LEARNER.hidden]);
      expect([resolved.batch, resolved.sharedDraws]).toEqual([SAMPLING_LEARNER.batch, SAMPLING_LEARNER.sharedDraws]);
    }
    for (const [name, set] of ROWS) {
      const scenario = loadScenario(name, set);
      if (usesSamples(scenario)) continue;
      const resolved = resolveTrainConfig(parseTrainConfig(discoveryTrainConfig(scenario, { scenario: name, set, seed: 0, out: freshRun() })));
      expect([resolved.batch, resolved.sharedDraws, resolved.honestHidden, resolved.honestNetwork.encoder]).toEqual([DISCOVERY_CONFIG.batch, DISCOVERY_CONFIG.sharedDraws, [], []]);
      expect(resolved.observation.history).toBe(scenario.maxRounds);
    }
  });

  it('stopWhenVerifiedSafe without a verification is refused, naming the key and the rule', () => {
    expect(() => resolveTrainConfig(parseTrainConfig({ scenario: 'honest-consensus', stopWhenVerifiedSafe: true }))).toThrow(
      /stopWhenVerifiedSafe=true needs a verification \(verifyEvery > 0\)/,
    );
    expect(() => parseTrainConfig({ scenario: 'honest-consensus', stopWhenVerifiedSafe: 'yes' })).toThrow(/stopWhenVerifiedSafe.*must be true or false/);
  });
});

describe('discover', () => {
  it('stops at the first verification that proves the greedy honest policy safe', async () => {
    const run = freshRun();
    const verifier = scriptedVerifier([0.5, 0]);
    const report = await discover({ scenario: 'honest-consensus', epochs: 50, run, verify: verifier.verify, episodes: 200 });
    expect(verifier.calls()).toBe(2);
    expect(report.stoppedBecause).toBe('verified safe');
    expect(report.epochs).toBe(10);
    expect(readMetrics(run).map((m) => m.epoch).at(-1)).toBe(10);
    expect(report.verifiedWorstCaseLoss).toBe(0);
    expect(report.bestEpoch).toBe(10);
    expect(report.reproduce).toBe('npx cgym discover --scenario honest-consensus --seed 0 --epochs 50');
  });

  it('goes on past a verification beyond the verifier\'s budget, which proves nothing, gives the reason once, and waits twice as long after each', async () => {
    const run = freshRun();
    const checkedAt: number[] = [];
    const verify: NonNullable<TrainHooks['verify']> = () => {
      checkedAt.push(readMetrics(run).length + 1);
      if (checkedAt.length <= 3) throw new StateLimitError('verify: more than --max-states=1 states explored');
      return { worstCaseLoss: 0, attacks: [] };
    };
    const lines: string[] = [];
    const report = await discover({ scenario: 'honest-consensus', epochs: 100, run, verify, episodes: 100, onLine: (line) => lines.push(line) });
    expect(checkedAt).toEqual([5, 15, 35, 75]);
    expect(lines[0]).toBe("epoch 5: beyond the verifier's budget (verify: more than --max-states=1 states explored); the next check in 10 epochs");
    expect(lines[1]).toBe("epoch 15: beyond the verifier's budget again (2 checks so far); the next check in 20 epochs");
    expect(readMetrics(run).find((m) => m.epoch === 5)?.verifiedWorstCaseLoss).toBeNull();
    expect(report).toMatchObject({ stoppedBecause: 'verified safe', epochs: 75, bestEpoch: 75, verifications: 1 });
  });

  it('where no verification judges any policy, the last one trained is reported, as not verified', async () => {
    const run = freshRun();
    const verify: NonNullable<TrainHooks['verify']> = () => {
      throw new StateLimitError('verify: more than --max-states=1 states explored');
    };
    const report = await discover({ scenario: 'honest-consensus', epochs: 10, run, verify, episodes: 100 });
    expect(report).toMatchObject({ stoppedBecause: 'budget', verifiedWorstCaseLoss: null, bestEpoch: null, result: 'last trained' });
    expect(report.learned).toMatchObject({ episodes: 100, verifiedWorstCaseLoss: null });
    expect(report.learned!.majorityCorrectRate).toBeGreaterThanOrEqual(0);
    expect(formatDiscovery(report)).toContain('the last policy trained (not verified: no check reached the later policies)');
  });

  it('where the checks stop reaching the policies in the run\'s second half, the last one trained stands, not an early verified beginner', async () => {
    const run = freshRun();
    let calls = 0;
    const verify: NonNullable<TrainHooks['verify']> = () => {
      if (calls++ === 0) return { worstCaseLoss: 1, attacks: [] };
      throw new StateLimitError('verify: more than --max-states=1 states explored');
    };
    const report = await discover({ scenario: 'honest-consensus', epochs: 40, run, verify, episodes: 100 });
    expect(report).toMatchObject({ verifiedWorstCaseLoss: 1, bestEpoch: 5, result: 'last trained', stoppedBecause: 'budget' });
    expect(readCheckpoint(run)?.best).toBeUndefined();
    expect(report.learned?.verifiedWorstCaseLoss).toBeNull();
  });

  it('when the budget ends first, the best verified policy stands for the run', async () => {
    const run = freshRun();
    const report = await discover({ scenario: 'honest-consensus', epochs: 15, run, verify: scriptedVerifier([0.5, 0.25, 0.5]).verify, episodes: 200 });
    expect(report.stoppedBecause).toBe('budget');
    expect(report.epochs).toBe(15);
    expect(report.verifiedWorstCaseLoss).toBe(0.25);
    expect(report.bestEpoch).toBe(10);
    // `cgym verify --run` and `extract --run` read the checkpoint's best: the policy of epoch 10.
    expect(readCheckpoint(run)?.best).toMatchObject({ side: 'honest', epoch: 10, rate: 0.75 });
    expect(report.learned?.verifiedWorstCaseLoss).toBe(0.25);
    expect(report.result).toBe('best verified');
    expect(JSON.parse(readFileSync(join(run, 'discovery.json'), 'utf8'))).toMatchObject({ stoppedBecause: 'budget', bestEpoch: 10 });
  });

  it('never writes into a folder that holds anything, and a finished run is not started over', async () => {
    const dir = freshRun();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(discover({ scenario: 'honest-consensus', epochs: 5, run: dir, verify: scriptedVerifier([0]).verify, episodes: 100 })).rejects.toThrow(/not empty|holds|exists/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'config.json'))).toBe(false);

    const run = freshRun();
    await discover({ scenario: 'honest-consensus', epochs: 5, run, verify: scriptedVerifier([0.5]).verify, episodes: 100 });
    const before = readFileSync(join(run, 'metrics.jsonl'), 'utf8');
    await expect(discover({ scenario: 'honest-consensus', epochs: 5, run, verify: scriptedVerifier([0]).verify, episodes: 100 })).rejects.toThrow();
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8')).toBe(before);
  });

  it('resumes a run from its checkpoint, with the budget extended, and keeps its best', async () => {
    const run = freshRun();
    await discover({ scenario: 'honest-consensus', epochs: 5, run, verify: scriptedVerifier([0.25]).verify, episodes: 100 });
    const report = await discover({ run, resume: true, epochs: 10, verify: scriptedVerifier([0.5]).verify, episodes: 100 });
    expect(readMetrics(run).map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.verifiedWorstCaseLoss).toBe(0.25);
    expect(report.bestEpoch).toBe(5);
    expect(report.reproduce).toBe('npx cgym discover --scenario honest-consensus --seed 0 --epochs 10');
  });

  it('a resume without --epochs reports the run\'s own budget with each epoch, not the default', async () => {
    const run = freshRun();
    const crash = new Error('crash at epoch 3');
    await expect(discover({ scenario: 'honest-consensus', epochs: 6, run, verify: scriptedVerifier([0.5]).verify, episodes: 100, onEpoch: (m) => { if (m.epoch === 3) throw crash; } })).rejects.toThrow(crash);
    const budgets: Array<[number, number]> = [];
    await discover({ run, resume: true, verify: scriptedVerifier([0.5]).verify, episodes: 100, onEpoch: (m, budget) => budgets.push([m.epoch, budget]) });
    expect(budgets.length).toBeGreaterThan(0);
    expect(budgets.at(-1)).toEqual([6, 6]);
    expect(new Set(budgets.map(([, b]) => b))).toEqual(new Set([6]));
  });

  it('states the FLM bound up front on ba-n3-f1 (n ≤ 3f without signatures), and only where it holds', async () => {
    expect(impossibility(loadScenario('ba-n3-f1'))).toMatch(/n=3 ≤ 3f=3 .*FLM bound: Fischer, Lynch & Merritt 1986/);
    expect(impossibility(loadScenario('byzantine-breaking'))).toMatch(/FLM/);
    for (const solvable of ['pki', 'ba-n4-f1', 'bb-pki-n3-f1', 'honest-consensus']) expect(impossibility(loadScenario(solvable))).toBeUndefined();

    const lines: string[] = [];
    const report = await discover({ scenario: 'ba-n3-f1', epochs: 1, run: freshRun(), verify: scriptedVerifier([0.5]).verify, episodes: 100, onLine: (line) => lines.push(line) });
    expect(lines[0]).toMatch(/FLM bound/);
    expect(report.impossibility).toMatch(/FLM bound/);
    expect(report.classic?.note).toMatch(/n ≤ 3f/);
    // What the terminal shows: the bound first, the verdict, the comparison and how to rerun it.
    const shown = formatDiscovery(report);
    expect(shown.split('\n')[3]).toMatch(/^bound: .*FLM bound/);
    expect(shown).toMatch(/verified worst-case loss \(best\) +50\.00%/);
    expect(shown).toMatch(/budget of 1 epochs ended \(best at epoch 1\)/);
    expect(shown).toMatch(/^ {2}majority \(no protocol is correct here\) /m);
    expect(shown).toMatch(/reproduce: npx cgym discover --scenario ba-n3-f1 --seed 0 --epochs 1\n$/);
  });
});

describe('the classic protocol of a setting', () => {
  it.each([
    ['honest-consensus', [], 'majority'],
    ['pki', [], 'eig'],
    ['ba-n4-f1', [], 'eig'],
    ['bb-pki-n3-f1', [], 'dolev-strong'],
    ['phase-king-n5-f1', [], 'phase-king'],
    ['slush-3v2', [], 'slush'],
    ['phase-king-n5-f1', ['n=4', 'f=2', 'faults=crash', 'maxRounds=4'], 'floodset'],
  ] as const)('%s %j: %s', (name, set, protocol) => {
    const row = classicFor(loadScenario(name, [...set]));
    expect(row?.protocol).toBe(protocol);
  });

  it('every row names a registry protocol that runs in a setting the row matches', () => {
    for (const row of CLASSIC_PROTOCOLS) if (row.protocol !== null) expect(() => getProtocol(row.protocol!)).not.toThrow();
  });
});

describe('cgym discover --help', () => {
  it('names the discovery config\'s own budget as the default', async () => {
    const { discoverCommand } = await import('../../src/cli/commands/discover.js');
    const { DISCOVERY_CONFIG } = await import('../../src/discover/discoveryConfig.js');
    expect(discoverCommand().helpInformation()).toContain(`(default: ${DISCOVERY_CONFIG.epochs})`);
  });
});
