/**
 * What the dashboard plays on request with a run's policies — one episode (the episode viewer) and
 * the extracted rules — computed in memory from the latest checkpoint; nothing is written.
 *
 * A run's sides are those it trained with: a side its checkpoint holds is the learned network
 * (greedy), any other the protocol or adversary its config names (`config.honest`,
 * `config.adversary`: a registry name, or a run folder given at training time).
 */
import { episodeEvents, type EpisodeEvents } from '../game/episodeEvents.js';
import { loadScenario } from '../game/loadScenario.js';
import { ScenarioError, type Scenario } from '../game/scenario.js';
import { RefusedError, type Adversary, type HonestProtocol } from '../game/strategy.js';
import { verdictLine } from '../game/trace.js';
import { playEpisode, resolveSides } from '../play/play.js';
import { NeuralAdversary } from '../policy/NeuralAdversary.js';
import { NeuralProtocol } from '../policy/NeuralProtocol.js';
import { ready } from '../policy/tf.js';
import { sequenceChartSvg } from '../report/sequenceChart.js';
import { loadRunPolicy, frozenAdversary, frozenHonest } from '../train/runPolicy.js';
import { extractDecisionTable, type DecisionTable } from '../verify/extract.js';
import { readRun } from './runs.js';

/** A run the page asked about that cannot be played (no checkpoint yet, a side that no longer loads): its message is shown as is. */
export class RunPlayError extends Error {
  override readonly name = 'RunPlayError';
}

export interface EpisodeView {
  title: string;
  honest: string;
  adversary: string;
  seed: number;
  episode: number;
  /** The chart of the whole episode (src/report/sequenceChart.ts); the page reveals it round by round. */
  svg: string;
  /** The episode as data (src/game/episodeEvents.ts): the page lists each round's moves from it. */
  events: EpisodeEvents;
  verdict: string;
}

/** Episode `episode` of seed `seed` of the run's sides, in the run's scenario. */
export async function playRunEpisode(root: string, dir: string, seed: number, episode: number): Promise<EpisodeView> {
  return withRunSides(root, dir, ({ scenario, honest, adversary }) => {
    const game = playEpisode(scenario, honest, adversary, seed, episode);
    const events = episodeEvents(game, 0);
    const title = `${honest.name} vs ${adversary.name} · seed ${seed} · episode ${episode}`;
    return { title, honest: honest.name, adversary: adversary.name, seed, episode, svg: sequenceChartSvg(events, { title }), events, verdict: verdictLine(events) };
  });
}

/** Episodes `cgym extract` plays by default: the dashboard shows what the command would print. */
export const RULE_EPISODES = 2000;

/**
 * The run's learned honest policy (greedy) read back as rules, as `cgym extract --run` does: against
 * the silent adversary, 2000 episodes of seed 0. A run without a learned honest policy (an attack
 * run) has none.
 */
export async function extractRunRules(root: string, dir: string): Promise<DecisionTable> {
  const run = readRun(root, dir);
  if (run && !run.learned.honest) throw new RunPlayError(`run ${run.id} has no learned honest policy (its honest side is ${run.honest})`);
  return withRunSides(root, dir, ({ scenario, honest }) => {
    const sides = resolveSides(scenario, honest, 'silent');
    return extractDecisionTable({ scenario, honest: sides.honest, adversary: sides.adversary, episodes: RULE_EPISODES, seed: 0 });
  });
}

interface RunSides {
  scenario: Scenario;
  honest: HonestProtocol;
  adversary: Adversary;
}

/** Builds the run's sides, hands them to `use`, and frees their networks whatever happens. */
async function withRunSides<T>(root: string, dir: string, use: (sides: RunSides) => T): Promise<T> {
  const run = readRun(root, dir);
  if (!run) throw new RunPlayError(`no run folder ${dir}`);
  if (!run.learned.honest && !run.learned.adversary) throw new RunPlayError(`run ${run.id} has no checkpoint yet (a policy is saved after its first epoch)`);
  await ready(); // the TensorFlow.js backend must be up before a network is built
  let scenario: Scenario;
  try {
    scenario = loadScenario(run.config['scenario'] as Record<string, unknown>);
  } catch (error) {
    throw new RunPlayError(`run ${run.id}: its scenario does not load (${(error as Error).message})`);
  }
  const built: Array<HonestProtocol | Adversary> = [];
  try {
    const honest = run.learned.honest ? new NeuralProtocol(loadRunPolicy(dir, 'honest').network, scenario, 'greedy', `learned (${run.id})`) : frozenHonest(run.honest, scenario);
    built.push(honest);
    const adversary = run.learned.adversary ? new NeuralAdversary(loadRunPolicy(dir, 'adversary').network, scenario, 'greedy', `learned adversary (${run.id})`) : frozenAdversary(run.adversary, scenario);
    built.push(adversary);
    return use({ scenario, honest, adversary });
  } catch (error) {
    // A side that no longer loads or no longer fits the scenario: the user's situation, not a bug.
    if (error instanceof RangeError || error instanceof RefusedError || error instanceof ScenarioError) throw new RunPlayError(`run ${run.id}: ${error.message}`);
    throw error;
  } finally {
    for (const side of built) if (side instanceof NeuralProtocol || side instanceof NeuralAdversary) side.network.dispose();
  }
}
