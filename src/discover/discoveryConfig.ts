/**
 * The one learner `cgym discover` runs on every scenario (issue 15): a training config kept as
 * data, with no per-scenario entries. Where a key cannot apply to a scenario the game itself says
 * so, and `discoveryTrainConfig` derives it from the scenario by a rule that names no scenario:
 *
 * - league self-play needs an adversary to learn: with f = 0 the honest side learns alone;
 * - "send my own input" as the first message is a head only free and relay actions have;
 * - the history window is the whole episode (every round's frame), at most `maxRounds`;
 * - where agents sample one another (the Slush settings), each other agent's block reads the
 *   summary of what it answered (its input if the first sample heard it, kept, latest, moved)
 *   rather than only the counts of each sample's answers, in one frame (the summary already holds
 *   the whole record's digest);
 * - the evidence gain applies where the network has evidence bits (relays observed over two frames);
 * - where the rewards make missing the majority of the inputs the worst outcome (the Slush
 *   settings), the greedy evaluation judges majority-correct episodes, else won ones.
 *
 * How the config was chosen (by trying, one row at a time): docs/EXPERIMENTS.md §12.
 */
import { usesSamples } from '../game/actions.js';
import { Observer } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';
import { equivariantTemplate, refuseEquivariant } from '../policy/equivariant.js';
import type { TrainConfigInput } from '../train/config.js';

/** The discovery learner: train's keys (config.ts), the scenario, seed, run folder and budget left to the call. */
export const DISCOVERY_CONFIG = {
  /** Both sides learn, each against the other's past snapshots or its current network (league.ts). */
  schedule: 'league',
  /**
   * PPO, at half its default learning rate: every solvable row proven on 3/3 seeds, in fewer epochs
   * than REINFORCE on 14 of 15 seeds, and slush-3v2 past Slush's level (90.7–93.1% majority-correct
   * against REINFORCE's 82.5–84.6%); at PPO's default 0.005, 2 of 3 `pki` seeds stayed on the convention
   * at 12.5% (EXPERIMENTS §12, config L).
   */
  algo: 'ppo',
  ppo: { learningRate: 0.0025 },
  /** The budget: discover stops earlier once the verifier proves the greedy honest policy safe (bb-pki-n3-f1's second proven seed needed 520 epochs: EXPERIMENTS §12, config G). */
  epochs: 600,
  batch: 256,
  /**
   * Linear and permutation-equivariant: the other agents' blocks pooled by mean and max (EXPERIMENTS §11: 3/3 seeds on
   * honest-consensus), and in broadcast the sender's block apart (the network's template does it wherever there is a sender).
   */
  honestNetwork: {
    kind: 'equivariant',
    encoder: [],
    /**
     * The per-origin votes (evidence bits) read at 4× their size: Adam then moves the logits 4× faster
     * along them than along the own input and the raw received values, where the "default to one
     * value" convention lived (config J: ba-n4-f1 and pki 0/3 at 12.5%; with it 3/3 on pki and
     * ba-n4-f1, EXPERIMENTS §12, config K).
     */
    evidenceGain: 4,
  },
  honestHidden: [],
  adversaryHidden: [32, 16],
  /** Values relative to the own input, and a start that sends it: without it a relay team never learns to listen (EXPERIMENTS §5). */
  observation: { valueFrame: 'own-input' },
  messageBias: 2,
  /** Waiting in the last round is a certain loss. */
  commitAtHorizon: true,
  /** The verifier in the loop: its attacks join the honest side's opponents, and a proof of safety ends the run. */
  verifyEvery: 5,
  /**
   * The greedy evaluations (2,000 episodes) only report progress here: the verifier ranks the
   * policies, and the evaluations draw on their own streams, so their spacing changes no trained
   * weight. Every 10 epochs rather than train's 5: on slush-3v2 they were ~15% of the run.
   */
  evalEvery: 10,
  /** The verifier's own default budget: a young policy's ties give the adversary many distinct choices (ba-n4-f1 passed 2,000,000 states at epoch 15). */
  verifyMaxStates: 20_000_000,
  /** A quarter of the honest side's episodes replay the latest verification's attacks whole (their inputs too), not only where chance draws their outcome. */
  counterexamples: { replayShare: 0.25 },
  stopWhenVerifiedSafe: true,
  /**
   * The honest agents of an episode share their draws while they learn: with independent draws, one
   * agent leaving a constant commit alone makes the team lose twice, so the team never leaves it.
   * With both (config F), crash n=4 f=2 is proven safe on 3/3 seeds (EXPERIMENTS §12).
   */
  sharedDraws: 'quantile',
} as const satisfies Omit<TrainConfigInput, 'scenario'>;

/** Whether the discovery network reads evidence bits in this scenario (EquivariantSpec.evidence: relays observed over two frames). */
function hasEvidence(scenario: Scenario): boolean {
  if (refuseEquivariant(scenario)) return false;
  return equivariantTemplate(new Observer(scenario, { history: scenario.maxRounds }), DISCOVERY_CONFIG.honestNetwork.encoder).evidence !== undefined;
}

/** Whether the scenario's honest actions have a message head that "send my own input" can bias. */
const hasMessageHead = (scenario: Scenario): boolean => scenario.honestActions === 'free' || scenario.honestActions === 'relay';

/** Whether the scenario's rewards punish missing the inputs' majority more than disagreeing or an invalid commit. */
const majorityIsWorst = ({ rewards }: Scenario): boolean => rewards.majorityViolation < Math.min(rewards.consistencyViolation, rewards.validityViolation);

export interface DiscoveryRun {
  /** How the scenario was given (a preset name or a file) and its overrides. */
  scenario: string;
  set: readonly string[];
  seed: number;
  /** The budget in epochs (default: the config's). */
  epochs?: number;
  out: string;
}

/**
 * The training config of one discovery run: the discovery config, with the keys a scenario cannot
 * take derived from it (see the module comment), the run's scenario, seed, budget and folder.
 */
export function discoveryTrainConfig(scenario: Scenario, run: DiscoveryRun): TrainConfigInput {
  const { schedule, messageBias, observation, ...rest } = DISCOVERY_CONFIG;
  const { kind, encoder, evidenceGain } = DISCOVERY_CONFIG.honestNetwork;
  return {
    ...rest,
    scenario: run.scenario,
    set: [...run.set],
    seed: run.seed,
    out: run.out,
    epochs: run.epochs ?? DISCOVERY_CONFIG.epochs,
    schedule: scenario.f > 0 ? schedule : 'honest',
    messageBias: hasMessageHead(scenario) ? messageBias : 0,
    // Sampling settings read the summary of each other agent's answers, in one frame (it is the sample
    // record's digest; the round is beside it). On slush-3v2 (EXPERIMENTS §12, config L): with §7's
    // counts alone PPO stayed at 89.2–89.9% majority-correct (counts cap every rule at 94%); the whole
    // record in every frame fell to the constant commit; the summary in each of 10 frames reached the
    // same rates as one frame, ~8× slower.
    observation: { ...observation, ...(usesSamples(scenario) ? { history: 1, sampleView: 'summary' as const } : { history: scenario.maxRounds }) },
    evalMetric: majorityIsWorst(scenario) ? 'majorityCorrectRate' : 'winRate',
    honestNetwork: { kind, encoder: [...encoder], ...(hasEvidence(scenario) && { evidenceGain }) },
    honestHidden: [...DISCOVERY_CONFIG.honestHidden],
    adversaryHidden: [...DISCOVERY_CONFIG.adversaryHidden],
    counterexamples: { ...DISCOVERY_CONFIG.counterexamples },
  };
}
