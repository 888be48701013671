/**
 * The one learner `cgym discover` runs on every scenario (issue 15): a training config kept as
 * data, with no per-scenario entries. Where a key cannot apply to a scenario the game itself says
 * so, and `discoveryTrainConfig` derives it from the scenario by a rule that names no scenario:
 *
 * - league self-play needs an adversary to learn: with f = 0 the honest side learns alone;
 * - "send my own input" as the first message is a head only free and relay actions have;
 * - the history window is the whole episode (every round's frame), at most `maxRounds`;
 * - where agents sample one another (the Slush settings: chance inside the episode, whose every
 *   coin and draw the verifier's exact search must follow — on slush-3v2 ~10⁶³ states, far past
 *   its budget, so no counterexample guides the learner there), the sampling learner
 *   (`SAMPLING_LEARNER`): each other agent's block reads that agent's whole sample record (what
 *   it answered, each round) in the symmetric value frame, through the shared block encoder and
 *   hidden layers, over 1,024 episodes an epoch, with Gumbel-coupled shared draws;
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

/**
 * What the learner changes where agents sample one another. The linear network over the sample
 * summary stops at 91–93% majority-correct on slush-3v2, under the 94% plateau of "commit once a
 * sample proves the majority" (EXPERIMENTS §12); leaving the plateau takes reading each other
 * agent's answers round by round jointly (who moved when: the block encoder) and combining the
 * pooled readings (hidden layers), with the team trying the tracked-majority convention together
 * (Gumbel-coupled draws, §4) and 1,024 episodes an epoch against the sampling coins' noise. The
 * whole record is read in the symmetric frame: in the own-input frame a network that can read past
 * the counts falls to the constant commit (§12). EXPERIMENTS §12, "The sampling learner".
 */
export const SAMPLING_LEARNER = {
  batch: 1024,
  observation: { history: 1, sampleView: 'record', valueFrame: 'symmetric' },
  encoder: [64],
  hidden: [64, 64],
  sharedDraws: 'gumbel',
} as const;

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
  const sampling = usesSamples(scenario);
  return {
    ...rest,
    scenario: run.scenario,
    set: [...run.set],
    seed: run.seed,
    out: run.out,
    epochs: run.epochs ?? DISCOVERY_CONFIG.epochs,
    schedule: scenario.f > 0 ? schedule : 'honest',
    messageBias: hasMessageHead(scenario) ? messageBias : 0,
    // The sample record holds every round, so one frame of it is the whole history.
    observation: sampling ? { ...observation, ...SAMPLING_LEARNER.observation } : { ...observation, history: scenario.maxRounds },
    evalMetric: majorityIsWorst(scenario) ? 'majorityCorrectRate' : 'winRate',
    honestNetwork: { kind, encoder: [...(sampling ? SAMPLING_LEARNER.encoder : encoder)], ...(hasEvidence(scenario) && { evidenceGain }) },
    honestHidden: [...(sampling ? SAMPLING_LEARNER.hidden : DISCOVERY_CONFIG.honestHidden)],
    ...(sampling && { batch: SAMPLING_LEARNER.batch, sharedDraws: SAMPLING_LEARNER.sharedDraws }),
    adversaryHidden: [...DISCOVERY_CONFIG.adversaryHidden],
    counterexamples: { ...DISCOVERY_CONFIG.counterexamples },
  };
}
