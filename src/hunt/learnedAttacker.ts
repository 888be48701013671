/**
 * The hunt's learned attacker: a short `attack` training (train/attack.ts) of a fresh adversary
 * against the frozen protocol, then its greedy policy scored like any other attacker on the hunt's
 * seeded episodes. Its cost to a violation counts the training: episodes to find = training
 * episodes + the scored episodes up to the first violation (seconds likewise), since a violation
 * only counts once it replays (`cgym play --adversary <its run folder>`).
 * TensorFlow.js loads here only, and only when a hunt asks for a learned attacker.
 */
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol } from '../game/strategy.js';
import { scoreAttacker, type AttackerScore } from './attackers.js';

export interface LearnedAttackerOptions {
  scenario: Scenario;
  scenarioSource: string;
  set: readonly string[];
  protocol: HonestProtocol;
  seed: number;
  /** Scored episodes after training. */
  episodes: number;
  epochs: number;
  batch: number;
  /** The adversary's run folder (must be missing or empty). */
  out: string;
  replay: (run: string) => (episode: number) => string;
}

export async function learnedAttacker(options: LearnedAttackerOptions): Promise<AttackerScore> {
  const [{ attack }, { frozenAdversary }] = await Promise.all([import('../train/attack.js'), import('../train/runPolicy.js')]);
  const started = performance.now();
  const report = await attack({
    scenario: options.scenarioSource,
    set: [...options.set],
    honest: options.protocol.name,
    epochs: options.epochs,
    batch: options.batch,
    seed: options.seed,
    out: options.out,
    // Its most common attack is not used here: the hunt scores the greedy policy itself.
    traceEpisodes: 1,
  });
  const trainingSeconds = (performance.now() - started) / 1000;
  const adversary = frozenAdversary(report.run, options.scenario);
  const score = scoreAttacker(options.scenario, options.protocol, adversary, 'learned', options.seed, options.episodes, options.replay(report.run));
  const trainingEpisodes = options.epochs * options.batch;
  const first = score.firstViolation && { ...score.firstViolation, episodesToFind: trainingEpisodes + score.firstViolation.episodesToFind, secondsToFind: trainingSeconds + score.firstViolation.secondsToFind };
  return { ...score, attacker: 'learned', firstViolation: first, run: report.run, trainingEpisodes, trainingSeconds };
}
