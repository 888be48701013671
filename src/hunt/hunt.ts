/**
 * `hunt`: the robustness hunt (issue 13, item 5). How good are the attackers at finding real bugs?
 * Take a protocol and its mutants (`HonestProtocol.mutants`: one deliberate mistake each), settle
 * which of them are really broken with the verifier (ground truth, where it reaches within its
 * budget), then let every attacker loose on each: the fixed registry adversaries, the random search
 * (`fuzz`) and, with a training budget, a learned adversary (`attack`). Per attacker and mutant:
 * found a violation or not, how many episodes and seconds it took, the violating episode (with the
 * `cgym play` command that replays it), and the break rate over the whole budget.
 *
 * Detection rate of an attacker = mutants it broke / mutants the verifier proved unsafe. A break of
 * a protocol the verifier proved safe cannot happen unless the engine, the verifier or an adversary
 * is wrong: it is reported as a false alarm, loudly. Beyond the verifier's reach (large n) only the
 * attackers run, and their break rates are the result.
 *
 * ---------------------------------------------------------------- the loop, top to bottom
 * for the original and each mutant:  verdict ← verify within budget (or "beyond reach")
 *                                    for each attacker: score ← seeded episodes (learned: train first)
 * then: detection rate per attacker; false alarms.
 */
import type { EpisodeSetup } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol } from '../game/strategy.js';
import { getProtocol } from '../protocols/registry.js';
import { specKind } from '../protocols/thresholdAutomaton/specs.js';
import type { AutomatonProtocol } from '../protocols/thresholdAutomaton/protocol.js';
import { verifyAutomatonSpecs } from '../verify/automatonSpecs.js';
import { DeclarationCheckError, StateLimitError, verify, type VerifyResult } from '../verify/verify.js';
import { isAutomaton, registryAttackers, scoreAttacker, type AttackerScore } from './attackers.js';
import { learnedAttacker } from './learnedAttacker.js';

export interface HuntOptions {
  scenario: Scenario;
  /** How the scenario was given (a preset name or a file) and its overrides: for the replay commands and the learned attacker's training. */
  scenarioSource: string;
  set?: readonly string[];
  /** A registry protocol name (its mutants come from its `mutants()`). */
  honest: string;
  /** Episodes per attacker per protocol (default 2000). */
  episodes?: number;
  seed?: number;
  /** The verifier's budget in engine states; 0 skips the verifier (every verdict "beyond reach"). Default 20,000,000. */
  maxStates?: number;
  /** Epochs of the learned adversary's training per protocol; 0 (the default) leaves it out. */
  learnedEpochs?: number;
  /** Episodes per epoch of that training (default 256). */
  learnedBatch?: number;
  /** Folder for the learned adversaries' run folders (needed when learnedEpochs > 0). */
  out?: string;
  /** Progress, one line at a time (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
  /** The ground truth (default `groundTruth`, the verifier): tests stand in a wrong one to see a false alarm reported. */
  groundTruth?: (scenario: Scenario, protocol: HonestProtocol, maxStates: number) => GroundTruth;
}

export type Verdict = 'safe' | 'unsafe' | 'beyond reach';

export interface GroundTruth {
  verdict: Verdict;
  /** Unsafe: the property its shortest counterexample breaks (an automaton: the specifications broken); beyond reach: why. */
  detail: string | null;
  worstCaseLossRate: number | null;
  states: number | null;
  seconds: number;
  /**
   * Unsafe: the verifier's counterexample (setup and adversary script, replayed in the engine);
   * `violated` names the game's properties, or for a threshold automaton its file's specifications.
   */
  counterexample: { setup: EpisodeSetup; violated: string[]; trace: string } | null;
}

export interface HuntedProtocol {
  /** The protocol's name (`majority:tie-largest`); the original has no mutation. */
  protocol: string;
  mutation: string | null;
  description: string;
  truth: GroundTruth;
  attackers: AttackerScore[];
}

export interface DetectionRate {
  attacker: string;
  /** Mutants (not the original) the verifier proved unsafe and the attacker broke. */
  detected: number;
  provedUnsafe: number;
  /** detected / provedUnsafe, or null when the verifier proved none unsafe. */
  rate: number | null;
  /** Mutants it broke where the verifier could not say (beyond reach). */
  brokenBeyondReach: number;
}

/** An attacker "broke" a protocol the verifier proved safe: a bug in the engine, the verifier or the attacker. */
export interface FalseAlarm {
  protocol: string;
  attacker: string;
  episode: number;
  replay: string;
}

export interface HuntReport {
  scenario: string;
  honest: string;
  seed: number;
  episodes: number;
  maxStates: number;
  learnedEpochs: number;
  protocols: HuntedProtocol[];
  detection: DetectionRate[];
  falseAlarms: FalseAlarm[];
  seconds: number;
}

const DEFAULT_MAX_STATES = 20_000_000;
/**
 * After a few chance outcomes the verifier's states so far are extrapolated to all of them; past
 * this multiple of the budget the search stops as beyond reach instead of running to the budget.
 */
const PROJECTION_SLACK = 2;
const PROJECT_AFTER = 4;

export async function hunt(options: HuntOptions): Promise<HuntReport> {
  const started = performance.now();
  const { scenario, honest } = options;
  const episodes = options.episodes ?? 2000;
  const seed = options.seed ?? 0;
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const learnedEpochs = options.learnedEpochs ?? 0;
  const say = options.onProgress ?? (() => {});
  const original = getProtocol(honest, scenario);
  if (original.name.includes(':')) throw new RangeError(`hunt: --honest names a protocol, not a mutant (got ${honest}); its mutants are hunted with it`);
  if (learnedEpochs > 0 && options.out === undefined) throw new RangeError('hunt: a learned attacker (learnedEpochs > 0) needs an out folder for its runs');
  // Refused before any work: otherwise the training refuses it after every other attacker has run.
  if (learnedEpochs > 0 && scenario.f === 0)
    throw new RangeError(`hunt: a learned attacker (learnedEpochs ${learnedEpochs}) needs faulty agents to play, and scenario ${scenario.name} has f=0 (leave out --learned-epochs, or --set f=1)`);
  const mutants = (original.mutants?.() ?? []).filter((m) => m.protocol.refuse(scenario) === undefined);
  const targets: Array<{ protocol: HonestProtocol; mutation: string | null; description: string }> = [
    { protocol: original, mutation: null, description: 'the original' },
    ...mutants.map((m) => ({ protocol: m.protocol, mutation: m.mutation, description: m.description })),
  ];
  const replay = (protocol: string, adversary: string) => (episode: number) => replayCommand(options.scenarioSource, options.set ?? [], protocol, adversary, seed, episode);

  const hunted: HuntedProtocol[] = [];
  for (const [k, target] of targets.entries()) {
    const name = target.protocol.name;
    if (maxStates > 0) say(`[${k + 1}/${targets.length}] ${name}: verifying (at most ${formatCount(maxStates)} states)…`);
    const truth = (options.groundTruth ?? groundTruth)(scenario, target.protocol, maxStates);
    say(`[${k + 1}/${targets.length}] ${name}: verifier ${truth.verdict}${truth.detail ? ` (${truth.detail})` : ''}, ${truth.seconds.toFixed(1)} s`);
    const attackers: AttackerScore[] = [];
    for (const { adversary, kind } of registryAttackers(scenario)) {
      const score = scoreAttacker(scenario, target.protocol, adversary, kind, seed, episodes, replay(name, adversary.name));
      attackers.push(score);
      say(`[${k + 1}/${targets.length}] ${name} vs ${adversary.name}: ${describeScore(score)}`);
    }
    if (learnedEpochs > 0) {
      const score = await learnedAttacker({
        scenario,
        scenarioSource: options.scenarioSource,
        set: options.set ?? [],
        protocol: target.protocol,
        seed,
        episodes,
        epochs: learnedEpochs,
        batch: options.learnedBatch ?? 256,
        // A .ta protocol's name is a path with brackets: one folder name, shell-safe.
        out: `${options.out}/learned__${name.replace(/:/g, '__').replace(/[^\w.=+-]+/g, '_')}`,
        replay: (run) => replay(name, run),
      });
      attackers.push(score);
      say(`[${k + 1}/${targets.length}] ${name} vs learned adversary: ${describeScore(score)}`);
    }
    hunted.push({ protocol: name, mutation: target.mutation, description: target.description, truth, attackers });
  }

  return {
    scenario: scenario.name,
    honest: original.name,
    seed,
    episodes,
    maxStates,
    learnedEpochs,
    protocols: hunted,
    detection: detectionRates(hunted),
    falseAlarms: falseAlarms(hunted),
    seconds: (performance.now() - started) / 1000,
  };
}

/** A search's progress check: past a few chance outcomes, its states so far extrapolated to all of them must stay within the budget's slack. */
const refuseProjectedPast = (maxStates: number) => (done: number, total: number, states: number): void => {
  if (done >= Math.min(PROJECT_AFTER, total) && done < total && (states / done) * total > PROJECTION_SLACK * maxStates)
    throw new StateLimitError(`projected ${formatCount((states / done) * total)} states from ${done} of ${total} chance outcomes, over --max-states=${maxStates}`);
};

/** The verifier's verdict within `maxStates`, or "beyond reach" with the reason. */
export function groundTruth(scenario: Scenario, protocol: HonestProtocol, maxStates: number): GroundTruth {
  const started = performance.now();
  const beyond = (detail: string): GroundTruth => ({ verdict: 'beyond reach', detail, worstCaseLossRate: null, states: null, seconds: (performance.now() - started) / 1000, counterexample: null });
  if (maxStates === 0) return beyond('verifier skipped (--max-states 0)');
  // The hunt judges an automaton by its file's safety specifications (attackers.ts): so does its ground truth.
  if (isAutomaton(protocol)) return automatonGroundTruth(scenario, protocol, maxStates, started);
  try {
    const options = { scenario, honest: protocol, maxStates, onProgress: refuseProjectedPast(maxStates) };
    let result: VerifyResult;
    try {
      result = verify(options);
    } catch (error) {
      // A mutant inherits its original's declarations; where its mistake breaks one, it is verified without them.
      if (!(error instanceof DeclarationCheckError)) throw error;
      result = verify({ ...options, symmetry: false, originPruning: false });
    }
    const base = { worstCaseLossRate: result.worstCaseLossRate, states: result.states, seconds: result.seconds };
    if (result.verdict === 'safe') return { verdict: 'safe', detail: null, ...base, counterexample: null };
    const { setup, violated, trace } = result.counterexample;
    return { verdict: 'unsafe', detail: result.property, ...base, counterexample: { setup, violated, trace } };
  } catch (error) {
    if (error instanceof StateLimitError) return beyond(error.message.replace(/^verify: /, ''));
    throw error;
  }
}

/**
 * An automaton's ground truth: the verifier's exact check of the file's safety specifications over
 * every run within the horizon (verify/automatonSpecs.ts). Unsafe as soon as one is violated (a
 * violation found before the budget ran out is real); safe only when every one was decided holding.
 */
function automatonGroundTruth(scenario: Scenario, protocol: AutomatonProtocol, maxStates: number, started: number): GroundTruth {
  const safety = protocol.automaton.specifications.filter((spec) => specKind(spec.formula) === 'safety').map((spec) => spec.name);
  const seconds = () => (performance.now() - started) / 1000;
  if (safety.length === 0) return { verdict: 'beyond reach', detail: `${protocol.automaton.file} has no safety specification to judge it by`, worstCaseLossRate: null, states: null, seconds: seconds(), counterexample: null };
  const result = verifyAutomatonSpecs({ scenario, protocol, maxStates, only: safety, onProgress: refuseProjectedPast(maxStates) });
  const verdicts = Object.entries(result.specs);
  const broken = verdicts.filter(([, v]) => v.holds === false);
  if (broken.length > 0) {
    const { setup, trace } = broken[0]![1].counterexample!;
    return { verdict: 'unsafe', detail: broken.map(([name]) => name).join(', '), worstCaseLossRate: null, states: result.states, seconds: seconds(), counterexample: { setup, violated: broken.map(([name]) => name), trace } };
  }
  const open = verdicts.filter(([, v]) => v.holds !== true);
  if (open.length > 0) return { verdict: 'beyond reach', detail: open.map(([name, v]) => `${name}: ${v.reason ?? 'not decided'}`).join('; '), worstCaseLossRate: null, states: null, seconds: seconds(), counterexample: null };
  return { verdict: 'safe', detail: null, worstCaseLossRate: null, states: result.states, seconds: seconds(), counterexample: null };
}

function detectionRates(hunted: readonly HuntedProtocol[]): DetectionRate[] {
  const mutants = hunted.filter((h) => h.mutation !== null);
  const names = [...new Set(hunted.flatMap((h) => h.attackers.map((a) => a.attacker)))];
  return names.map((attacker) => {
    const broke = (h: HuntedProtocol) => h.attackers.some((a) => a.attacker === attacker && a.detected);
    const unsafe = mutants.filter((h) => h.truth.verdict === 'unsafe');
    const detected = unsafe.filter(broke).length;
    return {
      attacker,
      detected,
      provedUnsafe: unsafe.length,
      rate: unsafe.length ? detected / unsafe.length : null,
      brokenBeyondReach: mutants.filter((h) => h.truth.verdict === 'beyond reach' && broke(h)).length,
    };
  });
}

function falseAlarms(hunted: readonly HuntedProtocol[]): FalseAlarm[] {
  return hunted
    .filter((h) => h.truth.verdict === 'safe')
    .flatMap((h) => h.attackers.filter((a) => a.firstViolation).map((a) => ({ protocol: h.protocol, attacker: a.attacker, episode: a.firstViolation!.episode, replay: a.firstViolation!.replay })));
}

/** `found in 3 episodes (0.01 s), break rate 37.5%` or `not found in 2000 episodes`. */
export function describeScore(score: AttackerScore): string {
  const rate = `break rate ${(100 * score.breakRate).toFixed(1)}%`;
  if (!score.firstViolation) return `not found in ${score.episodes} episodes`;
  return `found in ${score.firstViolation.episodesToFind} episodes (${score.firstViolation.secondsToFind.toFixed(2)} s), ${rate}`;
}

/** The `cgym play` command line that replays episode `episode` of the seeded run and prints it. */
export function replayCommand(scenarioSource: string, set: readonly string[], protocol: string, adversary: string, seed: number, episode: number): string {
  const args = ['cgym', 'play', '--scenario', scenarioSource, ...set.flatMap((s) => ['--set', s]), '--honest', protocol, '--adversary', adversary, '--seed', String(seed), '--episodes', String(episode + 1), '--trace-episode', String(episode)];
  return args.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: plain when it is safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function formatCount(x: number): string {
  return x >= 1e6 ? x.toExponential(1) : String(Math.round(x));
}
