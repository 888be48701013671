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

export function play(options: PlayOptions): PlayResult {
  const { scenario, episodes } = options;
  if (!(Number.isInteger(episodes) && episodes >= 1)) throw new RangeError(`episodes must be a positive integer (got ${episodes})`);
  const seed = options.seed ?? 0;
  const { honest, adversary } = resolveSides(scenario, options.honest, options.adversary);
  const batchSize = Math.min(options.batchSize ?? 4096, episodes);
  const game = new GameBatch(scenario, { size: batchSize, seed, memorySlots: honest.memorySlots });
  const honestActions = new HonestActions(batchSize, scenario.n, scenario);
  const adversaryActions = new AdversaryActions(batchSize, scenario.n, scenario);
  const outcomes = new Outcomes(batchSize);

  let wins = 0, inconsistent = 0, invalid = 0, unterminated = 0, majorityCorrect = 0, rounds = 0, messages = 0, reward = 0;
  const started = performance.now();
  for (let first = 0; first < episodes; first += batchSize) {
    game.reset(first);
    runEpisodes(game, honest, adversary, honestActions, adversaryActions);
    judgeBatch(game, outcomes);
    const count = Math.min(batchSize, episodes - first);
    for (let b = 0; b < count; b++) {
      wins += outcomes.win[b]!;
      inconsistent += 1 - outcomes.consistent[b]!;
      invalid += 1 - outcomes.valid[b]!;
      unterminated += 1 - outcomes.terminated[b]!;
      majorityCorrect += outcomes.majorityCorrect[b]!;
      rounds += game.roundsPlayed[b]!;
      messages += game.messageCount[b]!;
      reward += outcomes.honestReward[b]!;
    }
    options.onProgress?.(first + count, episodes);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    scenario: scenario.name,
    honest: honest.name,
    adversary: adversary.name,
    seed,
    episodes,
    winRate: wins / episodes,
    consistencyViolationRate: inconsistent / episodes,
    validityViolationRate: invalid / episodes,
    terminationViolationRate: unterminated / episodes,
    majorityCorrectRate: majorityCorrect / episodes,
    meanRounds: rounds / episodes,
    meanMessages: messages / episodes,
    meanHonestReward: reward / episodes,
    episodesPerSecond: episodes / Math.max(seconds, 1e-9),
    seconds,
  };
}

/** Replays episode `episode` of a run alone (batch of one) and returns the finished batch. */
export function playEpisode(scenario: Scenario, honest: HonestProtocol | string, adversary: Adversary | string, seed: number, episode: number): GameBatch {
  const sides = resolveSides(scenario, honest, adversary);
  const game = new GameBatch(scenario, { size: 1, seed, memorySlots: sides.honest.memorySlots });
  game.reset(episode);
  runEpisodes(game, sides.honest, sides.adversary, new HonestActions(1, scenario.n, scenario), new AdversaryActions(1, scenario.n, scenario));
  return game;
}
