// Shared by the game-layer tests: hand-made episodes, scripted round by round.
import { expect } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { judgeEpisode, type EpisodeOutcome } from '../../src/game/judge.js';
import { parseScenario, type Scenario, type ScenarioInput } from '../../src/game/scenario.js';

export type Script = (honest: HonestActions, adversary: AdversaryActions, game: GameBatch) => void;

export interface HandMade {
  scenario: Scenario;
  game: GameBatch;
  honest: HonestActions;
  adversary: AdversaryActions;
  /** Plays one round: `script` fills freshly cleared action buffers. */
  round(script?: Script): void;
  /** Plays rounds until the episode ends, each with the same script. */
  finish(script?: Script): void;
  judge(): EpisodeOutcome;
}

/**
 * A one-episode batch with chosen faulty agents, inputs and GST. `pair(i, j)` indexes
 * `[sender, recipient]` adversary arrays of this n.
 */
export function handMade(input: ScenarioInput, setup: { faulty?: number[]; inputs: number[]; gst?: number }): HandMade {
  const scenario = parseScenario({ name: 'hand-made', ...input });
  const game = new GameBatch(scenario, { size: 1, seed: 7 });
  game.reset(0);
  game.setup(0, { faulty: setup.faulty ?? [], inputs: setup.inputs, ...(setup.gst === undefined ? {} : { gst: setup.gst }) });
  const honest = new HonestActions(1, scenario.n, scenario);
  const adversary = new AdversaryActions(1, scenario.n, scenario);
  const round = (script?: Script) => {
    honest.clear();
    adversary.clear();
    script?.(honest, adversary, game);
    game.step(honest, adversary);
  };
  return {
    scenario, game, honest, adversary, round,
    finish(script?: Script) {
      while (!game.allDone) round(script);
    },
    judge: () => judgeEpisode(game, 0),
  };
}

/** The verdict as a compact object, for `toEqual`. */
export function verdict(outcome: EpisodeOutcome): Pick<EpisodeOutcome, 'terminated' | 'consistent' | 'valid' | 'majorityCorrect' | 'win'> {
  const { terminated, consistent, valid, majorityCorrect, win } = outcome;
  return { terminated, consistent, valid, majorityCorrect, win };
}

/** Expects `fn` to throw an error of class `name` whose message contains every fragment. */
export function expectThrowsNaming(fn: () => void, name: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${name}`).toBeInstanceOf(Error);
  const error = caught as Error;
  expect(error.name).toBe(name);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  expect(error.message).not.toContain('\n');
}

/**
 * The scripted equivocation several tests read: n=3, agent 2 Byzantine tells agent 0 "0" and agent
 * 1 "1" in round 1, while honest 0 and 1 send their inputs (0 and 1). Round 1 is played.
 */
export function scriptedEquivocation(): HandMade {
  const made = handMade({ n: 3, f: 1, honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 1, 1] });
  const { honest, adversary, round } = made;
  round(() => {
    honest.message[0] = 0;
    honest.message[1] = 1;
    adversary.message[2 * 3 + 0] = 0;
    adversary.message[2 * 3 + 1] = 1;
  });
  return made;
}

/** The majority of episode b's inputs (n odd, binary). */
export function majorityInput(game: GameBatch, b: number): number {
  let ones = 0;
  for (let i = 0; i < game.n; i++) ones += game.input[b * game.n + i]!;
  return 2 * ones > game.n ? 1 : 0;
}
