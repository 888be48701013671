/**
 * consensus-gym, the library: what a researcher scripts against. The command line (`cgym`) is a
 * thin layer over these exports.
 *
 * @example
 * import { loadScenario, play } from 'consensus-gym';
 * const scenario = loadScenario('ba-n4-f1', ['maxRounds=4']);
 * const result = play({ scenario, honest: 'eig', adversary: 'equivocate', episodes: 10_000, seed: 1 });
 */

// Scenarios: the assumptions of a game (GAME.md §2).
export { loadScenario, applyOverrides, type ScenarioSource } from './game/loadScenario.js';
export { PRESETS } from './game/presets.js';
export {
  parseScenario,
  ScenarioError,
  honestCount,
  type Scenario,
  type ScenarioInput,
  type Rewards,
  type FaultKind,
  type Problem,
  type Timing,
  type Identity,
  type ActionSpaceName,
} from './game/scenario.js';

// The rules engine, its action buffers and the judge (GAME.md §3–§8).
export { GameBatch, type GameBatchOptions, type EpisodeSetup } from './game/GameBatch.js';
export { HonestActions, AdversaryActions, IllegalActionError, SILENT, WAIT, KEEP, WITHHOLD, NO_ANSWER } from './game/actions.js';
export { judgeBatch, judgeEpisode, Outcomes, type EpisodeOutcome } from './game/judge.js';
export { renderTrace, describeScenario, verdictLine, type TraceOptions } from './game/trace.js';
export { episodeEvents, type EpisodeEvents, type AgentFacts, type MessageEvent, type SampleEvent } from './game/episodeEvents.js';

// For learners and checkers: flat observations (GAME.md §7), action heads, the conformance suite.
export { Observer, type ObserverOptions, type ObservationSlice } from './game/observation.js';
export { ActionSpace, type ActionHead } from './game/actionSpace.js';
export { AdversarySpace, refuseAdversarySpace, type AdversaryHead } from './game/adversarySpace.js';
export {
  checkScenario,
  checkProtocol,
  checkAdversary,
  assertScenario,
  assertProtocol,
  assertAdversary,
  ConformanceError,
  type CheckResult,
  type ConformanceOptions,
} from './game/conformance.js';

// Strategies: the interfaces, and every protocol and adversary by command-line name.
export { RefusedError, type HonestProtocol, type Adversary, type ProtocolMutant } from './game/strategy.js';
export { PROTOCOLS, ADVERSARIES, getProtocol, getAdversary, isProtocolName } from './protocols/registry.js';
export { mutantOf } from './protocols/mutants.js';
export { fuzzAdversary } from './protocols/adversaries/fuzz.js';
export { createSlush, type SlushOptions } from './protocols/slush.js';
export { createSnowflake, type SnowflakeOptions } from './protocols/snowflake.js';
export { createScriptedAdversary, type AdversaryScript, type ScriptRound } from './protocols/adversaries/scripted.js';
export { AttackPool, type Attack, type AttackPoolOptions } from './protocols/adversaries/attackPool.js';
// Threshold automata (ByMC's .ta format) as protocols, and their own specifications on played runs.
export { parseThresholdAutomaton, ThresholdAutomatonError } from './protocols/thresholdAutomaton/parse.js';
export type { ThresholdAutomaton } from './protocols/thresholdAutomaton/ast.js';
export { automatonProtocol, fromAutomaton, automatonName, type AutomatonProtocol } from './protocols/thresholdAutomaton/protocol.js';
export { checkSpecifications, type SpecResult } from './protocols/thresholdAutomaton/specs.js';
export { randomTagsAdversary } from './protocols/thresholdAutomaton/randomTags.js';

// Playing: N episodes to rates, or one episode to a finished batch (for traces).
export { play, playEpisode, runEpisodes, resolveSides, playRange, summarise, type PlayOptions, type PlayResult, type PlayTally } from './play/play.js';
export { playOnAllCores, type ParallelPlayOptions } from './play/parallel.js';

// Learned policies (TensorFlow.js, wasm backend by default) and training (REINFORCE, PPO, self-play).
export { PolicyNetwork, maskBias, ILLEGAL_LOGIT, type PolicyNetworkSpec, type SavedPolicy } from './policy/PolicyNetwork.js';
export { NeuralProtocol, type PolicyMode } from './policy/NeuralProtocol.js';
export { NeuralAdversary } from './policy/NeuralAdversary.js';
export { OwnInputFrame, VALUE_FRAMES, type ValueFrame } from './policy/valueFrame.js';
export { SymmetricOthers, refuseSymmetricOthers } from './policy/othersOrder.js';
export { honestNetwork, adversaryNetwork, observationOf, DEFAULT_OBSERVATION, DEFAULT_HIDDEN, DEFAULT_HONEST_HIDDEN, DEFAULT_COMMIT_BIAS, DEFAULT_CENTER_INPUTS, type HonestNetworkOptions, type NetworkOptions, type ObservationOptions } from './policy/networkFor.js';
export { useBackend, ready, type BackendName } from './policy/tf.js';
export { train, resolveTrainOptions, TrainingDivergedError, ALGOS, SCHEDULES, type TrainOptions, type TrainHooks, type TrainSummary, type VerificationReport, type Algo, type Schedule } from './train/train.js';
export { TrainConfigSchema, parseTrainConfig, TRAIN_CONFIG_VERSION, type TrainConfig, type TrainConfigInput, type ResolvedTrainConfig } from './train/config.js';
export { RECIPES, defaultRecipe, type Recipe } from './train/recipes.js';
export { attack, type AttackOptions, type AttackReport } from './train/attack.js';
export { evaluateRun } from './train/evaluateRun.js';
export { readMetrics, METRIC_KEYS, type EpochMetrics } from './train/runFolder.js';
export { reinforceUpdate } from './train/reinforce.js';
export { ppoUpdate } from './train/ppo.js';

// The verifier: every adversary strategy of a small setting, a proof or the attack.
export {
  verify,
  assertSafe,
  replayCounterexample,
  enumerateChance,
  StateLimitError,
  type VerifyOptions,
  type VerifyResult,
  type Safe,
  type Unsafe,
  type Counterexample,
  type Property,
} from './verify/verify.js';

// Reports: training curves (Vega-Lite, SVG) and message-sequence charts.
export { readRunFolder, type RunFolder } from './report/runFolder.js';
export { curvesSpec, renderCurves, type CurvesOptions } from './report/curves.js';
export { renderSequenceChart, sequenceChartSvg, type SequenceChartOptions } from './report/sequenceChart.js';
export { ReportError } from './report/ReportError.js';

// The robustness hunt: mutants, the verifier's ground truth, every attacker's score.
export { hunt, groundTruth, type HuntOptions, type HuntReport, type HuntedProtocol, type GroundTruth, type DetectionRate, type FalseAlarm } from './hunt/hunt.js';
export { type AttackerScore, type FirstViolation } from './hunt/attackers.js';

// Discovery: one learner with the verifier in the loop, against the classic protocol of the setting.
export { discover, type AtNPlusOne, type DiscoverOptions, type DiscoveryReport } from './discover/discover.js';
export { CLASSIC_PROTOCOLS, classicFor, impossibility, type ClassicRow } from './discover/classicProtocols.js';
export { DISCOVERY_CONFIG, discoveryTrainConfig } from './discover/discoveryConfig.js';
