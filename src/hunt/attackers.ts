/**
 * The hunt's attackers and how one is scored against one protocol: episodes of a seeded run in
 * order, until the budget is spent; the first losing episode (how many episodes and seconds it took
 * to find), its trace, and the break rate over the whole budget.
 */
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { GameBatch } from '../game/GameBatch.js';
import { judgeBatch, Outcomes } from '../game/judge.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { renderTrace } from '../game/trace.js';
import { playEpisode, runEpisodes } from '../play/play.js';
import { ADVERSARIES } from '../protocols/registry.js';
import type { Property } from '../verify/verify.js';
import { specKind, checkSpecifications } from '../protocols/thresholdAutomaton/specs.js';
import type { AutomatonProtocol } from '../protocols/thresholdAutomaton/protocol.js';

/** How an attacker searches: a fixed strategy, random search, or a trained policy. */
export type AttackerKind = 'fixed' | 'random-search' | 'learned';

/** The registry adversary that is the hunt's random-search attacker. */
export const RANDOM_SEARCH_ATTACKER = 'fuzz';

/** The registry adversaries a hunt runs in `scenario`: every one that does not refuse it, the random search last. */
export function registryAttackers(scenario: Scenario): Array<{ adversary: Adversary; kind: AttackerKind }> {
  const usable = ADVERSARIES.filter((adversary) => adversary.refuse(scenario) === undefined);
  const fixed = usable.filter((a) => a.name !== RANDOM_SEARCH_ATTACKER).map((adversary) => ({ adversary, kind: 'fixed' as const }));
  const search = usable.filter((a) => a.name === RANDOM_SEARCH_ATTACKER).map((adversary) => ({ adversary, kind: 'random-search' as const }));
  return [...fixed, ...search];
}

/** The first episode an attacker won, and what it took to find it. */
export interface FirstViolation {
  /** Its index in the seeded run (`cgym play --seed S --trace-episode E` replays it). */
  episode: number;
  /** Episodes played until it was found (episode + 1 for a fixed or random-search attacker). */
  episodesToFind: number;
  /** Seconds from the attacker's start until the batch that holds it was judged. */
  secondsToFind: number;
  /** The game's properties it broke; for a threshold automaton, the file's safety specifications by name. */
  violated: Array<Property | string>;
  /** The `cgym play` command line that replays and prints it. */
  replay: string;
  /** The episode as `play --trace` prints it. */
  trace: string;
}

export interface AttackerScore {
  attacker: string;
  kind: AttackerKind;
  detected: boolean;
  /** Episodes played (the budget). */
  episodes: number;
  /** Share of those episodes the honest side lost. */
  breakRate: number;
  seconds: number;
  firstViolation: FirstViolation | null;
  /** Learned attacker: its run folder and the training it had. */
  run?: string;
  trainingEpisodes?: number;
  trainingSeconds?: number;
}

/** Episodes per batch of an attacker's run: small, so "seconds to find" is measured finely. */
const BATCH = 128;

/**
 * Plays `episodes` seeded episodes of `protocol` against `adversary` and scores them; `replay`
 * builds the command line that replays episode e.
 */
export function scoreAttacker(scenario: Scenario, protocol: HonestProtocol, adversary: Adversary, kind: AttackerKind, seed: number, episodes: number, replay: (episode: number) => string): AttackerScore {
  if (isAutomaton(protocol)) return scoreBySpecifications(scenario, protocol, adversary, kind, seed, episodes, replay);
  const started = performance.now();
  const size = Math.min(BATCH, episodes);
  const game = new GameBatch(scenario, { size, seed, memorySlots: protocol.memorySlots });
  const honest = new HonestActions(size, scenario.n, scenario);
  const attack = new AdversaryActions(size, scenario.n, scenario);
  const outcomes = new Outcomes(size);
  let losses = 0;
  let first: { episode: number; seconds: number; violated: Property[] } | undefined;
  for (let done = 0; done < episodes; done += size) {
    game.reset(done);
    runEpisodes(game, protocol, adversary, honest, attack);
    judgeBatch(game, outcomes);
    const live = Math.min(size, episodes - done);
    for (let b = 0; b < live; b++) {
      if (outcomes.win[b]) continue;
      losses++;
      if (first) continue;
      const violated: Property[] = [];
      if (!outcomes.consistent[b]) violated.push('consistency');
      if (!outcomes.valid[b]) violated.push('validity');
      if (!outcomes.terminated[b]) violated.push('termination');
      first = { episode: done + b, seconds: (performance.now() - started) / 1000, violated };
    }
  }
  const seconds = (performance.now() - started) / 1000;
  let firstViolation: FirstViolation | null = null;
  if (first) {
    const alone = playEpisode(scenario, protocol, adversary, seed, first.episode);
    const trace = renderTrace(alone, 0, { title: `first violation: ${protocol.name} vs ${adversary.name} · seed ${seed} · episode ${first.episode}` });
    firstViolation = { episode: first.episode, episodesToFind: first.episode + 1, secondsToFind: first.seconds, violated: first.violated, replay: replay(first.episode), trace };
  }
  return { attacker: adversary.name, kind, detected: first !== undefined, episodes, breakRate: losses / episodes, seconds, firstViolation };
}

/** A threshold automaton (`--honest FILE.ta`, or one of its guard mutants). */
export function isAutomaton(protocol: HonestProtocol): protocol is AutomatonProtocol {
  return 'automaton' in protocol && 'observe' in protocol;
}

/**
 * An attacker against a threshold automaton breaks it when an episode violates one of the file's
 * SAFETY specifications (strb's unforg): the game's agreement properties are not what a broadcast
 * automaton promises (strb never terminates when no correct process sends), and its liveness
 * specifications are only judged within the horizon (specs.ts).
 */
function scoreBySpecifications(scenario: Scenario, protocol: AutomatonProtocol, adversary: Adversary, kind: AttackerKind, seed: number, episodes: number, replay: (episode: number) => string): AttackerScore {
  const started = performance.now();
  const safety = new Set(protocol.automaton.specifications.filter((spec) => specKind(spec.formula) === 'safety').map((spec) => spec.name));
  let losses = 0;
  let first: { episode: number; seconds: number; violated: string[] } | undefined;
  checkSpecifications({
    scenario,
    protocol,
    adversary,
    episodes,
    seed,
    batchSize: BATCH,
    onEpisode: (episode, violated) => {
      const broken = violated.filter((name) => safety.has(name));
      if (broken.length === 0) return;
      losses++;
      first ??= { episode, seconds: (performance.now() - started) / 1000, violated: broken };
    },
  });
  const seconds = (performance.now() - started) / 1000;
  let firstViolation: FirstViolation | null = null;
  if (first) {
    const alone = playEpisode(scenario, protocol, adversary, seed, first.episode);
    const trace = renderTrace(alone, 0, { title: `first violation (${first.violated.join(', ')}): ${protocol.name} vs ${adversary.name} · seed ${seed} · episode ${first.episode}` });
    firstViolation = { episode: first.episode, episodesToFind: first.episode + 1, secondsToFind: first.seconds, violated: first.violated, replay: replay(first.episode), trace };
  }
  return { attacker: adversary.name, kind, detected: first !== undefined, episodes, breakRate: losses / episodes, seconds, firstViolation };
}
