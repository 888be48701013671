/**
 * `play`: runs a hand-written protocol against an adversary for N episodes in batches, and reports
 * the judged rates. Episode e always draws from the same random streams, so results do not depend
 * on the batch size, and any episode replays alone (`playEpisode`).
 */
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { GameBatch } from '../game/GameBatch.js';
import { judgeBatch, Outcomes } from '../game/judge.js';
import type { Scenario } from '../game/scenario.js';
import { getAdversary, getProtocol } from '../protocols/registry.js';
import { RefusedError, type Adversary, type HonestProtocol } from '../protocols/types.js';

export interface PlayOptions {
  scenario: Scenario;
  /** A protocol or its command-line name. */
  honest: HonestProtocol | string;
  /** An adversary or its command-line name. */
  adversary: Adversary | string;
  episodes: number;
  seed?: number;
  /** Episodes per batch (default min(episodes, 4096)); does not change any outcome. */
  batchSize?: number;
  /** Called after each batch with the episodes finished so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface PlayResult {
  scenario: string;
  honest: string;
  adversary: string;
  seed: number;
  episodes: number;
  winRate: number;
  consistencyViolationRate: number;
  validityViolationRate: number;
  terminationViolationRate: number;
  majorityCorrectRate: number;
  meanRounds: number;
  meanMessages: number;
  meanHonestReward: number;
  episodesPerSecond: number;
  seconds: number;
}

/** Resolves names and checks that both sides can run in the scenario (RefusedError otherwise). */
export function resolveSides(scenario: Scenario, honest: HonestProtocol | string, adversary: Adversary | string): { honest: HonestProtocol; adversary: Adversary } {
  const h = typeof honest === 'string' ? getProtocol(honest) : honest;
  const a = typeof adversary === 'string' ? getAdversary(adversary) : adversary;
  const why = h.refuse(scenario) ?? a.refuse(scenario);
  if (why) throw new RefusedError(why);
  return { honest: h, adversary: a };
}

/** Plays the batch's current episodes to the end (the batch must be freshly reset). */
export function runEpisodes(game: GameBatch, honest: HonestProtocol, adversary: Adversary, honestActions: HonestActions, adversaryActions: AdversaryActions): void {
  while (!game.allDone) {
    honestActions.clear();
    honest.act(game, honestActions);
    adversaryActions.clear();
    adversary.act(game, honestActions, adversaryActions);
    game.step(honestActions, adversaryActions);
  }
}

/**
 * Judged counts of a range of episodes: integers only. The honest team reward is a linear
 * combination of these counts (judge.ts), so the mean reward is computed from them once — exact
 * and independent of how the episodes were cut into batches or spread over workers.
 */
export interface PlayTally {
  episodes: number;
  wins: number;
  inconsistent: number;
  invalid: number;
  unterminated: number;
  majorityCorrect: number;
  rounds: number;
  messages: number;
  /** Σ over episodes of honest agents undecided at the end of each played round (roundPenalty). */
  undecidedRounds: number;
  earlyCommits: number;
  undecidedAtEnd: number;
}

/**
 * Plays episodes `first .. first + count - 1` in batches of `batchSize` and tallies them.
 * `onBatch` is called after each batch with the episodes done in this range.
 */
export function playRange(scenario: Scenario, honest: HonestProtocol, adversary: Adversary, seed: number, first: number, count: number, batchSize: number, onBatch?: (done: number) => void): PlayTally {
  const size = Math.min(batchSize, count);
  const game = new GameBatch(scenario, { size, seed, memorySlots: honest.memorySlots });
  const honestActions = new HonestActions(size, scenario.n, scenario);
  const adversaryActions = new AdversaryActions(size, scenario.n, scenario);
  const outcomes = new Outcomes(size);
  const tally: PlayTally = { episodes: count, wins: 0, inconsistent: 0, invalid: 0, unterminated: 0, majorityCorrect: 0, rounds: 0, messages: 0, undecidedRounds: 0, earlyCommits: 0, undecidedAtEnd: 0 };
  for (let done = 0; done < count; done += size) {
    game.reset(first + done);
    runEpisodes(game, honest, adversary, honestActions, adversaryActions);
    judgeBatch(game, outcomes);
    const live = Math.min(size, count - done);
    for (let b = 0; b < live; b++) {
      tally.wins += outcomes.win[b]!;
      tally.inconsistent += 1 - outcomes.consistent[b]!;
      tally.invalid += 1 - outcomes.valid[b]!;
      tally.unterminated += 1 - outcomes.terminated[b]!;
      tally.majorityCorrect += outcomes.majorityCorrect[b]!;
      tally.rounds += game.roundsPlayed[b]!;
      tally.messages += game.messageCount[b]!;
      tally.undecidedRounds += game.undecidedRounds[b]!;
      tally.earlyCommits += outcomes.earlyCommits[b]!;
      tally.undecidedAtEnd += outcomes.undecidedAtEnd[b]!;
    }
    onBatch?.(done + live);
  }
  return tally;
}

/** The rates of a run from the tallies of its ranges. */
export function summarise(scenario: Scenario, honest: string, adversary: string, seed: number, tallies: readonly PlayTally[], seconds: number): PlayResult {
  const total = (key: keyof PlayTally) => tallies.reduce((sum, t) => sum + t[key], 0);
  const episodes = total('episodes');
  const w = scenario.rewards;
  const rewardSum =
    w.consistencyViolation * total('inconsistent') +
    w.validityViolation * total('invalid') +
    w.majorityViolation * (episodes - total('majorityCorrect')) +
    w.correctCommit * total('wins') +
    w.roundPenalty * total('undecidedRounds') +
    w.earlyCommit * total('earlyCommits') +
    w.noCommit * total('undecidedAtEnd');
  return {
    scenario: scenario.name,
    honest,
    adversary,
    seed,
    episodes,
    winRate: total('wins') / episodes,
    consistencyViolationRate: total('inconsistent') / episodes,
    validityViolationRate: total('invalid') / episodes,
    terminationViolationRate: total('unterminated') / episodes,
    majorityCorrectRate: total('majorityCorrect') / episodes,
    meanRounds: total('rounds') / episodes,
    meanMessages: total('messages') / episodes,
    meanHonestReward: rewardSum / episodes,
    episodesPerSecond: episodes / Math.max(seconds, 1e-9),
    seconds,
  };
}

/** Checks a PlayOptions record; returns the resolved batch size. */
export function checkPlayOptions(options: PlayOptions): number {
  if (!(Number.isInteger(options.episodes) && options.episodes >= 1)) throw new RangeError(`episodes must be a positive integer (got ${options.episodes})`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a positive integer (got ${batchSize})`);
  return Math.min(batchSize, options.episodes);
}

const DEFAULT_BATCH = 4096;

/** Plays `episodes` episodes on this thread (see `playOnAllCores` for every core). */
export function play(options: PlayOptions): PlayResult {
  const { scenario, episodes } = options;
  const batchSize = checkPlayOptions(options);
  const seed = options.seed ?? 0;
  const { honest, adversary } = resolveSides(scenario, options.honest, options.adversary);
  const started = performance.now();
  const tally = playRange(scenario, honest, adversary, seed, 0, episodes, batchSize, options.onProgress && ((done) => options.onProgress!(done, episodes)));
  return summarise(scenario, honest.name, adversary.name, seed, [tally], (performance.now() - started) / 1000);
}

/** Replays episode `episode` of a run alone (batch of one) and returns the finished batch. */
export function playEpisode(scenario: Scenario, honest: HonestProtocol | string, adversary: Adversary | string, seed: number, episode: number): GameBatch {
  const sides = resolveSides(scenario, honest, adversary);
  const game = new GameBatch(scenario, { size: 1, seed, memorySlots: sides.honest.memorySlots });
  game.reset(episode);
  runEpisodes(game, sides.honest, sides.adversary, new HonestActions(1, scenario.n, scenario), new AdversaryActions(1, scenario.n, scenario));
  return game;
}
