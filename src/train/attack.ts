/**
 * `attack`: the robustness test of the mission. Trains a fresh adversary against a frozen honest
 * side (a classic protocol, or a learned run), then reports the break rate of the final adversary
 * (greedy, over ≥ 10,000 fresh episodes) and its most common winning attack as a trace.
 *
 * The most common attack: among lost episodes of a greedy batch, group by what each faulty agent
 * sent each honest recipient each round, relative to the recipient's input (`own`, `other`,
 * `silent`); the largest group's first episode is replayed alone and rendered.
 */
import { GameBatch } from '../game/GameBatch.js';
import { judgeBatch, Outcomes } from '../game/judge.js';
import { renderTrace } from '../game/trace.js';
import { playEpisode, runEpisodes } from '../play/play.js';
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { frozenAdversary, frozenHonest } from './runPolicy.js';
import type { z } from 'zod';
import { TrainConfigSchema } from './config.js';
import { train, type TrainHooks, type TrainOptions, type TrainSummary } from './train.js';
import { loadScenario } from '../game/loadScenario.js';
import { integer, parseConfig, text } from '../game/parseConfig.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';

/**
 * Every option of an attack, with its default: a training run's config (config.ts) under schedule
 * adversary, without the options of an honest network (none is trained), plus the frozen honest
 * side and the episodes searched for the most common winning attack.
 */
export const AttackConfigSchema = TrainConfigSchema.omit({
  recipe: true,
  schedule: true,
  honest: true,
  adversary: true,
  verifyEvery: true,
  verifyMaxStates: true,
  stopWhenVerifiedSafe: true,
  counterexamples: true,
  honestHidden: true,
  honestNetwork: true,
  commitBias: true,
  messageBias: true,
  relayBias: true,
  commitAtHorizon: true,
  centerInputs: true,
  sharedDraws: true,
  init: true,
  observation: true,
  alternateEvery: true,
  evalMetric: true,
  league: true,
}).extend({
  /** The frozen honest side: a protocol name or a run folder with a learned honest policy. */
  honest: text('a protocol name or a run folder'),
  /** Greedy episodes searched for the most common winning attack. */
  traceEpisodes: integer(1, 1 << 20).default(2000),
});
export type AttackConfigInput = z.input<typeof AttackConfigSchema>;
export type AttackConfig = z.output<typeof AttackConfigSchema>;

/** Validates an attack's options (a command line, a --config file) into a complete config. */
export const parseAttackConfig = (input: unknown, source = 'attack'): AttackConfig => parseConfig(AttackConfigSchema, input, source);

/** `resume`: continue the adversary's run in `out` from its last checkpoint (a stopped attack), then report. */
export type AttackOptions = AttackConfigInput & TrainHooks & { resume?: boolean };

export interface AttackReport {
  run: string;
  scenario: string;
  honest: string;
  seed: number;
  epochs: number;
  /** 1 − honest win rate of the final adversary (greedy) over `episodes` fresh episodes. */
  breakRate: number;
  consistencyViolationRate: number;
  validityViolationRate: number;
  terminationViolationRate: number;
  majorityCorrectRate: number;
  episodes: number;
  wallSeconds: number;
  /** What the most common winning attack does, relative to each recipient's input. */
  attack: string | null;
  /** Share of the adversary's wins that follow that attack. */
  attackShare: number | null;
  /** The attack's first episode as a round-by-round table, or null if the adversary never wins. */
  trace: string | null;
}

const ATTACK_SEED_OFFSET = 0x2545f491;

export async function attack(options: AttackOptions): Promise<AttackReport> {
  const { clockStart, onEpoch, verify, resume, ...input } = options;
  const { traceEpisodes, ...config } = parseAttackConfig(input);
  const hooks: TrainHooks = { ...(clockStart !== undefined && { clockStart }), ...(onEpoch && { onEpoch }), ...(verify && { verify }) };
  // A resume continues the run as its config.json records it (every option, defaults included): only
  // its folder and length are given, as `cgym train --resume` does.
  const summary: TrainSummary = resume ? await train({ ...(config.out !== null && { out: config.out }), epochs: config.epochs, ...hooks, resume } as TrainOptions) : await train({ ...config, ...hooks, schedule: 'adversary' });
  const scenario = loadScenario(config.scenario, config.set);
  const honest = frozenHonest(config.honest, scenario);
  const adversary = frozenAdversary(summary.run, scenario);
  const seed = (config.seed + ATTACK_SEED_OFFSET) >>> 0;
  const found = commonAttack(scenario, honest, adversary, seed, traceEpisodes);
  return {
    run: summary.run,
    scenario: summary.scenario,
    honest: honest.name,
    seed: summary.seed,
    epochs: summary.epochs,
    breakRate: 1 - summary.finalWinRate,
    consistencyViolationRate: summary.consistencyViolationRate,
    validityViolationRate: summary.validityViolationRate,
    terminationViolationRate: summary.terminationViolationRate,
    majorityCorrectRate: summary.majorityCorrectRate,
    episodes: summary.finalEpisodes,
    wallSeconds: summary.wallSeconds,
    ...found,
  };
}

/** The most common pattern among the adversary's wins in `episodes` greedy episodes of `seed`. */
export function commonAttack(scenario: Scenario, honest: HonestProtocol, adversary: Adversary, seed: number, episodes: number): Pick<AttackReport, 'attack' | 'attackShare' | 'trace'> {
  const game = new GameBatch(scenario, { size: episodes, seed, memorySlots: honest.memorySlots });
  game.reset(0);
  runEpisodes(game, honest, adversary, new HonestActions(episodes, scenario.n, scenario), new AdversaryActions(episodes, scenario.n, scenario));
  const outcomes = new Outcomes(episodes);
  judgeBatch(game, outcomes);
  const groups = new Map<string, { count: number; first: number }>();
  let losses = 0;
  for (let b = 0; b < episodes; b++) {
    if (outcomes.win[b]) continue;
    losses++;
    const key = signature(game, b);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { count: 1, first: b });
  }
  if (losses === 0) return { attack: null, attackShare: null, trace: null };
  let best: [string, { count: number; first: number }] | undefined;
  for (const entry of groups) if (!best || entry[1].count > best[1].count) best = entry;
  const [key, { count, first }] = best!;
  const replay = playEpisode(scenario, honest, adversary, seed, first);
  const trace = renderTrace(replay, 0, { title: `most common winning attack (${count} of ${losses} wins): ${honest.name} vs ${adversary.name} · seed ${seed} · episode ${first}` });
  return { attack: key, attackShare: count / losses, trace };
}

/** Per round, per faulty agent, per honest recipient: silent / own (the recipient's input) / other. */
function signature(game: GameBatch, b: number): string {
  const { n } = game;
  const rounds: string[] = [];
  for (let s = 1; s <= game.roundsPlayed[b]!; s++) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!game.faulty[b * n + i]) continue;
      for (let j = 0; j < n; j++) {
        if (j === i || game.faulty[b * n + j]) continue;
        const at = game.arrivalRound(b, j, i, s);
        const v = at === 0 ? -1 : game.msgValue[((b * game.maxRounds + s - 1) * n + i) * n + j]!;
        parts.push(v < 0 ? 'silent' : v === game.input[b * n + j] ? 'own' : 'other');
      }
    }
    rounds.push(`r${s}: ${parts.join(' ')}`);
  }
  return rounds.join('; ');
}
