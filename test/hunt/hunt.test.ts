// The robustness hunt (src/hunt/hunt.ts): on majority at small settings the random search finds
// every mutant the verifier proves unsafe within its budget; every first violation replays with
// the printed `cgym play` command; a break of a verified-safe protocol is reported as a false alarm,
// loudly; beyond the verifier's budget only the attackers run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHunt, reportFalseAlarms } from '../../src/cli/commands/hunt.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { groundTruth, hunt, replayCommand, type GroundTruth, type HuntReport } from '../../src/hunt/hunt.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { cgym } from '../cli/cgym.js';

const fuzzOf = (report: HuntReport, protocol: string) => report.protocols.find((p) => p.protocol === protocol)!.attackers.find((a) => a.attacker === 'fuzz')!;

describe('hunt on majority', () => {
  it.each([
    ['honest-consensus', []],
    ['honest-consensus', ['n=4', 'f=1']],
    ['byzantine-breaking', []],
  ] as const)('at %s %j: the random search finds every mutant the verifier proves unsafe, and breaks none it proves safe', async (preset, set) => {
    const report = await hunt({ scenario: loadScenario(preset, [...set]), scenarioSource: preset, set, honest: 'majority', episodes: 300, seed: 0 });
    const mutants = report.protocols.filter((p) => p.mutation !== null);
    expect(mutants.map((m) => m.mutation)).toEqual(['commit-round-1', 'ignore-own-input', 'tie-largest', 'missing-as-0']);
    const unsafe = mutants.filter((m) => m.truth.verdict === 'unsafe');
    expect(unsafe.length).toBeGreaterThanOrEqual(2);
    for (const m of unsafe) expect(fuzzOf(report, m.protocol).detected, `fuzz missed ${m.protocol}`).toBe(true);
    for (const p of report.protocols.filter((p) => p.truth.verdict === 'safe')) for (const a of p.attackers) expect(a.detected, `${a.attacker} broke ${p.protocol}`).toBe(false);
    expect(report.detection.find((d) => d.attacker === 'fuzz')).toMatchObject({ detected: unsafe.length, provedUnsafe: unsafe.length, rate: 1 });
    expect(report.falseAlarms).toEqual([]);
  });

  it('counts episodes and seconds to the first violation, and the break rate over the whole budget', async () => {
    const report = await hunt({ scenario: loadScenario('byzantine-breaking'), scenarioSource: 'byzantine-breaking', honest: 'majority', episodes: 400, seed: 3 });
    const equivocate = report.protocols[0]!.attackers.find((a) => a.attacker === 'equivocate')!;
    // The seed paper's attack: it wins exactly when the honest inputs differ (≈ 50%).
    expect(equivocate.breakRate).toBeGreaterThan(0.4);
    expect(equivocate.breakRate).toBeLessThan(0.6);
    const first = equivocate.firstViolation!;
    expect(first.episodesToFind).toBe(first.episode + 1);
    expect(first.secondsToFind).toBeGreaterThanOrEqual(0);
    expect(first.violated).toEqual(['consistency']);
    expect(first.trace).toMatch(/adversary wins — consistency violated/);
    const silent = report.protocols[0]!.attackers.find((a) => a.attacker === 'silent')!;
    expect(silent).toMatchObject({ detected: false, breakRate: 0, firstViolation: null });
  });
});

describe('the learned attacker', () => {
  it('trains a fresh adversary per protocol into the out folder and scores its greedy policy like the others, training counted', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cgym-hunt-'));
    try {
      const report = await hunt({ scenario: loadScenario('byzantine-breaking'), scenarioSource: 'byzantine-breaking', honest: 'majority', episodes: 200, maxStates: 0, learnedEpochs: 3, learnedBatch: 64, out });
      expect(report.protocols).toHaveLength(5);
      for (const p of report.protocols) {
        const learned = p.attackers.at(-1)!;
        expect(learned).toMatchObject({ attacker: 'learned', kind: 'learned', trainingEpisodes: 3 * 64, episodes: 200 });
        expect(existsSync(join(learned.run!, 'summary.json'))).toBe(true);
        if (learned.firstViolation) {
          expect(learned.firstViolation.episodesToFind).toBe(3 * 64 + learned.firstViolation.episode + 1);
          expect(learned.firstViolation.replay).toContain(`--adversary ${learned.run}`);
        }
      }
      // commit-round-1 loses whenever the honest inputs differ, whatever the adversary does.
      expect(report.protocols[1]!.attackers.at(-1)!.detected).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a learned attacker where no agent is faulty, before any attacker runs', async () => {
    const said: string[] = [];
    await expect(
      hunt({ scenario: loadScenario('honest-consensus'), scenarioSource: 'honest-consensus', honest: 'majority', learnedEpochs: 1, out: '/nonexistent', onProgress: (line) => said.push(line) }),
    ).rejects.toThrow('hunt: a learned attacker (learnedEpochs 1) needs faulty agents to play, and scenario honest-consensus has f=0');
    expect(said).toEqual([]);
  });

  it('needs an out folder', async () => {
    await expect(hunt({ scenario: loadScenario('byzantine-breaking'), scenarioSource: 'byzantine-breaking', honest: 'majority', learnedEpochs: 1 })).rejects.toThrow('hunt: a learned attacker (learnedEpochs > 0) needs an out folder for its runs');
  });
});

describe('ground truth', () => {
  it('beyond the budget every verdict is "beyond reach" with its reason; the attackers still run and report break rates', async () => {
    const report = await hunt({ scenario: loadScenario('byzantine-breaking'), scenarioSource: 'byzantine-breaking', honest: 'majority', episodes: 200, maxStates: 3 });
    for (const p of report.protocols) {
      expect(p.truth.verdict).toBe('beyond reach');
      expect(p.truth.detail).toMatch(/max-states=3/);
    }
    expect(fuzzOf(report, 'majority:commit-round-1').breakRate).toBeGreaterThan(0.3);
    const fuzz = report.detection.find((d) => d.attacker === 'fuzz')!;
    expect(fuzz).toMatchObject({ provedUnsafe: 0, rate: null, brokenBeyondReach: 4 });
  });

  it('a verifier search projected far past the budget after a few chance outcomes stops as beyond reach', () => {
    // Majority at n=6, f=1: 192 chance outcomes (under the budget of 300, so the search starts) of 6 states each.
    // Its symmetry left out: with it the 192 outcomes are 6 orbits, within the budget (test/verify/symmetry.test.ts).
    const { agentRoles: _symmetry, ...majorityAsIs } = getProtocol('majority');
    const truth = groundTruth(loadScenario('honest-consensus', ['n=6', 'f=1']), majorityAsIs, 300);
    expect(truth.verdict).toBe('beyond reach');
    // verify's own projection (3 sampled outcomes) now refuses it before hunt's running projection does.
    expect(truth.detail).toBe('majority on honest-consensus would explore ~1152 states (3 of 192 chance outcomes solved first), more than --max-states=300; raise --max-states or shrink the scenario');
    expect(groundTruth(loadScenario('honest-consensus', ['n=6', 'f=1']), majorityAsIs, 2000).verdict).not.toBe('beyond reach');
  });
});

describe('ground truth of a mutant whose inherited declaration fails its check', () => {
  it('is verified without the declarations instead of refused', () => {
    // Dolev–Strong claiming to read agent 0 alone under interactive consistency, where every agent sends its own value.
    const overclaiming = { ...getProtocol('dolev-strong'), name: 'overclaiming-dolev-strong', visibleOrigins: () => [0] };
    const scenario = loadScenario('bb-pki-n3-f1', ['problem=interactive-consistency']);
    const truth = groundTruth(scenario, overclaiming, 20_000_000);
    expect(truth.verdict).not.toBe('beyond reach');
    expect(truth.verdict).toBe(groundTruth(scenario, getProtocol('dolev-strong'), 20_000_000).verdict);
  });
});

describe('false alarms', () => {
  /** A wrong ground truth: everything "proved safe". */
  const everythingSafe = (): GroundTruth => ({ verdict: 'safe', detail: null, worstCaseLossRate: 0, states: 0, seconds: 0, counterexample: null });

  it('an attacker that breaks a protocol the verifier proved safe is reported as a false alarm, loudly, with exit code 2', async () => {
    const report = await hunt({ scenario: loadScenario('byzantine-breaking'), scenarioSource: 'byzantine-breaking', honest: 'majority', episodes: 100, groundTruth: everythingSafe });
    expect(report.falseAlarms.length).toBeGreaterThan(0);
    expect(report.falseAlarms).toContainEqual(expect.objectContaining({ protocol: 'majority', attacker: 'equivocate' }));
    expect(formatHunt(report)).toMatch(/!! FALSE ALARMS: attackers broke protocols the verifier proved safe/);
    const lines: string[] = [];
    expect(reportFalseAlarms(report, (line) => lines.push(line))).toBe(2);
    expect(lines).toHaveLength(report.falseAlarms.length);
    expect(lines[0]).toMatch(/^hunt: BUG: \S+ broke majority\S*, which the verifier proved safe \(episode \d+\); replay: cgym play /);
  });

  it('no false alarm, no BUG line and exit code 0', async () => {
    const report = await hunt({ scenario: loadScenario('honest-consensus'), scenarioSource: 'honest-consensus', honest: 'majority', episodes: 50 });
    const lines: string[] = [];
    expect(reportFalseAlarms(report, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([]);
    expect(formatHunt(report)).not.toMatch(/FALSE ALARMS/);
  });
});

describe('replay commands', () => {
  it('quote what a shell would split', () => {
    expect(replayCommand('my scenarios/x.json', ["rewards.noCommit=-2", "inputs={'split':[2,1]}"], 'majority:tie-largest', 'fuzz', 1, 4)).toBe(
      "cgym play --scenario 'my scenarios/x.json' --set rewards.noCommit=-2 --set 'inputs={'\\''split'\\'':[2,1]}' --honest majority:tie-largest --adversary fuzz --seed 1 --episodes 5 --trace-episode 4",
    );
  });

  it('cgym hunt --json: each first violation replays with its printed cgym play command (the episode is lost, every earlier one won)', () => {
    const run = cgym(['hunt', '--honest', 'majority', '--scenario', 'honest-consensus', '--set', 'n=4', '--set', 'f=1', '--episodes', '200', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as HuntReport;
    const found = report.protocols.flatMap((p) => p.attackers.filter((a) => a.firstViolation && a.attacker === 'fuzz').map((a) => a.firstViolation!));
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const first of found.slice(0, 3)) {
      const args = first.replay.split(' ');
      expect(args[0]).toBe('cgym');
      const replayed = cgym([...args.slice(1), '--json']);
      expect(replayed.status, replayed.stderr).toBe(0);
      const result = JSON.parse(replayed.stdout) as { winRate: number; episodes: number; trace: string };
      expect(result.episodes).toBe(first.episode + 1);
      expect(result.winRate).toBeCloseTo(first.episode / (first.episode + 1), 12);
      expect(result.trace).toMatch(/verdict: adversary wins/);
    }
  });

  it('cgym hunt refuses a mutant as --honest, and a missing --honest, in one line', () => {
    const mutant = cgym(['hunt', '--honest', 'majority:tie-largest', '--scenario', 'honest-consensus']);
    expect(mutant.status).toBe(1);
    expect(mutant.stderr).toBe('cgym: hunt: --honest names a protocol, not a mutant (got majority:tie-largest); its mutants are hunted with it\n');
    const missing = cgym(['hunt', '--scenario', 'honest-consensus']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^cgym: hunt: .*--honest <protocol>/);
  });
});
