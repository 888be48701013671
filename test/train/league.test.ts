// The league schedule: each learner plays an opponent drawn from the other side's past snapshots
// (or its current network); the pool holds real past weights, the draws are used, runs are
// deterministic under a seed, and a killed league run resumes exactly.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawOpponent, LEAGUE_DEFAULTS, leaguePaths, poolEpochs, readLeagueDraws, type LeagueOptions } from '../../src/train/league.js';
import { readCheckpoint, readMetrics, type EpochMetrics } from '../../src/train/runFolder.js';
import { resolveTrainOptions, train } from '../../src/train/train.js';
import { killMidRun } from './killMidRun.js';
import { LEAGUE_RUN } from './smallRun.js';

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'cgym-league-')), name);
const TIMING = new Set(['episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds']);
const untimed = (lines: EpochMetrics[]) => lines.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !TIMING.has(k))));
const resolveTrainOptionsLeague = (league: LeagueOptions | undefined) => resolveTrainOptions({ scenario: 'byzantine-breaking', schedule: 'league', out: 'unused', ...(league && { league }) });
const weightsOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { weights: number[][] }).weights;

describe('league: the pool and the draw', () => {
  it('the pool at an epoch is the last poolSize snapshots (0, K, 2K, …) taken before it', () => {
    const o = { poolSize: 3, snapshotEvery: 5, latestShare: 0.5 };
    expect(poolEpochs(1, o)).toEqual([0]);
    expect(poolEpochs(5, o)).toEqual([0]);
    expect(poolEpochs(6, o)).toEqual([0, 5]);
    expect(poolEpochs(15, o)).toEqual([0, 5, 10]);
    expect(poolEpochs(16, o)).toEqual([5, 10, 15]);
    expect(poolEpochs(100, o)).toEqual([85, 90, 95]);
  });

  it('draws the latest with probability latestShare and the snapshots uniformly, the same way every time', () => {
    const pool = [10, 15, 20];
    const counts = new Map<string, number>();
    const draws = 6000;
    for (let epoch = 1; epoch <= draws; epoch++) {
      const d = String(drawOpponent(7, epoch, 'honest', pool, 0.4));
      counts.set(d, (counts.get(d) ?? 0) + 1);
      expect(drawOpponent(7, epoch, 'honest', pool, 0.4)).toBe(drawOpponent(7, epoch, 'honest', pool, 0.4));
    }
    expect([...counts.keys()].sort()).toEqual(['10', '15', '20', 'latest']);
    expect(counts.get('latest')! / draws).toBeCloseTo(0.4, 1);
    for (const s of pool) expect(counts.get(String(s))! / draws).toBeCloseTo(0.2, 1);
    // The two sides draw from different streams.
    const same = Array.from({ length: 200 }, (_, e) => drawOpponent(7, e + 1, 'honest', pool, 0.4) === drawOpponent(7, e + 1, 'adversary', pool, 0.4)).filter(Boolean).length;
    expect(same).toBeLessThan(150);
  });

  it('validates its options and records them in config.json', async () => {
    expect(() => resolveTrainOptionsLeague({ poolSize: 0 })).toThrow('train: league.poolSize=0: must be at least 1');
    expect(() => resolveTrainOptionsLeague({ snapshotEvery: 2.5 })).toThrow('train: league.snapshotEvery=2.5: must be an integer');
    expect(() => resolveTrainOptionsLeague({ latestShare: 1.5 })).toThrow('train: league.latestShare=1.5: must be in 0..1');
    expect(resolveTrainOptionsLeague(undefined).league).toEqual(LEAGUE_DEFAULTS);
    const out = fresh('config');
    await train({ ...LEAGUE_RUN, epochs: 1, out });
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).league).toEqual(LEAGUE_RUN.league);
  });
});

describe('league: runs', () => {
  it('snapshots hold the past weights, the learners play drawn snapshots, and the same seed replays exactly', async () => {
    const a = await train({ ...LEAGUE_RUN, out: fresh('a') });
    const b = await train({ ...LEAGUE_RUN, out: fresh('b') });
    expect(untimed(readMetrics(b.run))).toEqual(untimed(readMetrics(a.run)));
    expect(readLeagueDraws(b.run)).toEqual(readLeagueDraws(a.run));
    expect(b.finalWinRate).toBe(a.finalWinRate);

    // Snapshots after epochs 0, 3, 6, 9, 12; each differs from the one before (they are past
    // weights, not copies of the latest), and the last is the final checkpoint.
    const epochs = [0, 3, 6, 9, 12];
    for (const side of ['honest', 'adversary'] as const) {
      const snapshots = epochs.map((e) => weightsOf(leaguePaths(a.run).snapshot(side, e)));
      for (let k = 1; k < snapshots.length; k++) expect(snapshots[k]).not.toEqual(snapshots[k - 1]);
      expect(snapshots.at(-1)).toEqual(readCheckpoint(a.run)![side]!.weights);
    }
    expect(existsSync(leaguePaths(a.run).snapshot('honest', 1))).toBe(false);

    // Every epoch drew from its pool; both past snapshots (beyond the initial one) and the latest were played.
    const draws = readLeagueDraws(a.run);
    expect(draws.map((d) => d.epoch)).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    for (const d of draws)
      for (const opponent of [d.honestOpponent, d.adversaryOpponent])
        if (opponent !== 'latest') expect(poolEpochs(d.epoch, LEAGUE_RUN.league as typeof LEAGUE_DEFAULTS)).toContain(opponent);
    const drawn = draws.flatMap((d) => [d.honestOpponent, d.adversaryOpponent]);
    expect(drawn).toContain('latest');
    expect(drawn.some((x) => typeof x === 'number' && x > 0)).toBe(true);
  });

  it('the drawn opponents are really played: only past snapshots (latestShare 0) trains differently from only the latest (latestShare 1)', async () => {
    const past = await train({ ...LEAGUE_RUN, league: { ...LEAGUE_RUN.league, latestShare: 0 }, out: fresh('past') });
    const latest = await train({ ...LEAGUE_RUN, league: { ...LEAGUE_RUN.league, latestShare: 1 }, out: fresh('latest') });
    expect(readLeagueDraws(past.run).every((d) => d.honestOpponent !== 'latest' && d.adversaryOpponent !== 'latest')).toBe(true);
    expect(readLeagueDraws(latest.run).every((d) => d.honestOpponent === 'latest' && d.adversaryOpponent === 'latest')).toBe(true);
    const [p, l] = [readMetrics(past.run), readMetrics(latest.run)];
    // Epoch 1: the only snapshot is the initial network, which is also the latest: the same games.
    expect(untimed(p.slice(0, 1))).toEqual(untimed(l.slice(0, 1)));
    // From epoch 2 on, the latest has learned: playing it is not playing the snapshot.
    expect(p.slice(1).map((m) => m.honestLoss)).not.toEqual(l.slice(1).map((m) => m.honestLoss));
  });

  it('a league run killed mid-way resumes from its last checkpoint: the same metric lines and draws as an uninterrupted run', async () => {
    const whole = await train({ ...LEAGUE_RUN, out: fresh('whole') });
    const out = fresh('killed');
    const before = await killMidRun(out, 'league', 5);
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(LEAGUE_RUN.epochs!);
    await train({ ...LEAGUE_RUN, out, resume: true });
    expect(untimed(readMetrics(out))).toEqual(untimed(readMetrics(whole.run)));
    expect(readLeagueDraws(out)).toEqual(readLeagueDraws(whole.run));
    expect(readCheckpoint(out)!.honest!.weights).toEqual(readCheckpoint(whole.run)!.honest!.weights);
  });
});
