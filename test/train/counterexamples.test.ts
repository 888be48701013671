// Counterexample-guided training: each verification's attacks join a pool the honest side also
// plays against; they are kept in the run folder, really played, and a killed run resumes exactly.
// Also `init`, the curriculum step these runs use: a run that starts from another run's network.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, readJsonLines, readMetrics, type AttackLine, type EpochMetrics } from '../../src/train/runFolder.js';
import { resolveTrainOptions, train } from '../../src/train/train.js';
import { killMidRun } from './killMidRun.js';
import { COUNTEREXAMPLE_RUN } from './smallRun.js';

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'cgym-cegis-')), name);
const TIMING = new Set(['episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds']);
const untimed = (lines: EpochMetrics[]) => lines.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !TIMING.has(k))));
const attackLines = (dir: string) => readJsonLines<AttackLine>(join(dir, 'attacks.jsonl'));
/** A learning rate this small leaves the policy as it started: the only change between epochs is the opponent. */
const FROZEN = { reinforce: { learningRate: 1e-12 } };

describe('counterexample-guided training', () => {
  it('needs a verification and a schedule whose honest rollouts are the honest side\'s own', () => {
    expect(() => resolveTrainOptions({ scenario: 'byzantine-breaking', out: 'unused', counterexamples: {} })).toThrow(
      'train: counterexamples need a verification (--verify-every K): the attacks come from the verifier',
    );
    const verification = { verifyEvery: 2 };
    expect(() => resolveTrainOptions({ scenario: 'byzantine-breaking', out: 'unused', schedule: 'alternating', counterexamples: {}, ...verification })).toThrow(/^train: counterexamples need schedule honest or league \(got alternating\)/);
    expect(() => resolveTrainOptions({ scenario: 'byzantine-breaking', out: 'unused', counterexamples: { share: 2 }, ...verification })).toThrow('train: counterexamples.share=2: must be in 0..1');
    expect(resolveTrainOptions({ scenario: 'byzantine-breaking', out: 'unused', counterexamples: {}, ...verification }).counterexamples).toEqual({ share: 0.5, perOutcome: 8, replayShare: 0 });
  });

  it('keeps each verification\'s attacks and plays them from the next epoch on', async () => {
    // A policy that beats silence (the majority rule, learned until nearly deterministic: the attacks
    // are made against its greedy play), then frozen: with and without the pool.
    const taught = await train({ scenario: 'byzantine-breaking', adversary: 'silent', epochs: 300, seed: 1, out: fresh('taught') });
    expect(taught.finalWinRate).toBe(1);
    const frozen = { ...COUNTEREXAMPLE_RUN, ...FROZEN, init: taught.run };
    const guided = await train({ ...frozen, out: fresh('guided') });
    const plain = await train({ ...frozen, counterexamples: undefined, out: fresh('plain') });
    const lines = attackLines(guided.run);
    expect(lines.map((l) => l.epoch)).toEqual([2, 4, 6, 8]);
    expect(lines[0]!.attacks.length).toBeGreaterThan(0);
    const g = readMetrics(guided.run);
    const p = readMetrics(plain.run);
    // Before the first verification the pool is empty: the very same games.
    expect(untimed(g.slice(0, 2))).toEqual(untimed(p.slice(0, 2)));
    // After it, every episode whose chance outcome an attack covers plays it: the frozen policy loses more.
    const winsAfter = (lines: EpochMetrics[]) => lines.slice(2).reduce((sum, m) => sum + m.winRate! * 64, 0);
    expect(winsAfter(g)).toBeLessThan(winsAfter(p) - 40);
    expect(g.map((m) => m.verifiedWorstCaseLoss)).toEqual(p.map((m) => m.verifiedWorstCaseLoss));
    expect(guided.verifiedWorstCaseLoss).toBe(g[7]!.verifiedWorstCaseLoss);
    expect(guided.verifiedWorstCaseLoss).toBeGreaterThan(0);
    // Whole replays (replayShare 1, no matching): every episode after the first verification takes an
    // attack's chance outcome and script, so the frozen policy loses nearly all of them.
    const replayed = readMetrics((await train({ ...frozen, counterexamples: { share: 0, replayShare: 1 }, out: fresh('replayed') })).run);
    expect(untimed(replayed.slice(0, 2))).toEqual(untimed(p.slice(0, 2)));
    expect(winsAfter(replayed)).toBeLessThan(winsAfter(g) - 100);
    expect(winsAfter(replayed)).toBeLessThan(0.1 * 6 * 64);
  });

  it('a killed run resumes from its last checkpoint: the same metric lines and attacks as an uninterrupted run', async () => {
    const whole = await train({ ...COUNTEREXAMPLE_RUN, out: fresh('whole') });
    const out = fresh('killed');
    const before = await killMidRun(out, 'counterexamples', 5);
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(COUNTEREXAMPLE_RUN.epochs!);
    await train({ ...COUNTEREXAMPLE_RUN, out, resume: true });
    expect(untimed(readMetrics(out))).toEqual(untimed(readMetrics(whole.run)));
    expect(attackLines(out)).toEqual(attackLines(whole.run));
    expect(readCheckpoint(out)!.honest!.weights).toEqual(readCheckpoint(whole.run)!.honest!.weights);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).counterexamples).toEqual({ share: 1, perOutcome: 8, replayShare: 0 });
  });
});

describe('init: a run that starts from another run\'s honest network', () => {
  it('starts from the source\'s weights, records the network\'s options, and refuses options it would ignore', async () => {
    const source = await train({ scenario: 'pki', adversary: 'silent', epochs: 3, batch: 32, seed: 4, observation: { valueFrame: 'own-input', history: 2 }, messageBias: 2, commitAtHorizon: true, honestHidden: [8], finalEpisodes: 500, out: fresh('source') });
    const frozen = { learningRate: 1e-12 };
    const a = await train({ scenario: 'pki', adversary: 'silent', epochs: 2, batch: 32, seed: 9, init: source.run, reinforce: frozen, finalEpisodes: 500, out: fresh('a') });
    const config = JSON.parse(readFileSync(join(a.run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ init: source.run, observation: { valueFrame: 'own-input', history: 2 }, commitAtHorizon: true, honestHidden: [8] });
    // A learning rate of 1e-12 leaves the weights where the source left them (Adam steps ≈ the rate).
    const before = readCheckpoint(source.run)!.honest!;
    const after = readCheckpoint(a.run)!.honest!;
    expect(after.spec).toEqual(before.spec);
    const drift = Math.max(...after.weights.flatMap((w, k) => w.map((x, i) => Math.abs(x - before.weights[k]![i]!))));
    expect(drift).toBeLessThan(1e-6);
    expect(after.adam!.step).toBe(2); // a fresh optimizer: two steps, not the source's three + two
    expect(() => resolveTrainOptions({ scenario: 'pki', out: 'unused', init: source.run, observation: { history: 3 } })).toThrow(`train: init ${source.run} brings its network and options; drop observation`);
    expect(() => resolveTrainOptions({ scenario: 'honest-consensus', out: 'unused', init: source.run })).toThrow(/the network reads \d+ numbers, scenario honest-consensus observes \d+/);
    // PPO's majority loss needs a head the source's network does not have: refused before any epoch.
    await expect(train({ scenario: 'pki', adversary: 'silent', algo: 'ppo', ppo: { majorityCoef: 0.5 }, epochs: 1, batch: 32, init: source.run, out: fresh('b') })).rejects.toThrow(
      `train: ppo.majorityCoef 0.5 needs an honest network with a majority head, and the network it starts from (init ${source.run}) has none: set majorityCoef 0, or start without init`,
    );
  });
});
