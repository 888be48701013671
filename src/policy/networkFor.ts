/**
 * Networks shaped for a scenario: the honest side's (rows = agents, GAME.md §7 observation, the
 * honest action heads) and the adversary's (rows = episodes, game/adversarySpace.ts).
 */
import { ActionSpace } from '../game/actionSpace.js';
import { AdversarySpace } from '../game/adversarySpace.js';
import { Observer, type MessageView, type SampleView } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';
import { PolicyNetwork, type PolicyNetworkSpec } from './PolicyNetwork.js';
import { DEFAULT_ENCODER, equivariantTemplate, refuseEquivariant, type NetworkKind } from './equivariant.js';
import { refuseSymmetricOthers } from './othersOrder.js';
import type { ValueFrame } from './valueFrame.js';

/**
 * What the honest network reads: the observation's options (game/observation.ts) and how the
 * policy presents them (policy/valueFrame.ts, othersOrder.ts), carried whole wherever a network
 * is made, trained, saved or described.
 */
export interface ObservationOptions {
  /** The observation's history window H (GAME.md §7). */
  history: number;
  /** How messages and relays are observed (game/observation.ts). */
  messageView: MessageView;
  /** How samples are observed (game/observation.ts). */
  sampleView: SampleView;
  /** Value coordinates (policy/valueFrame.ts). */
  valueFrame: ValueFrame;
  /** The other agents in a canonical order (policy/othersOrder.ts). */
  symmetricOthers: boolean;
}

export const DEFAULT_OBSERVATION: Readonly<ObservationOptions> = { history: 1, messageView: 'per-sender', sampleView: 'counts', valueFrame: 'absolute', symmetricOthers: false };

/** The observation options a saved network was made with (its spec keeps only those that differ from the defaults). */
export function observationOf(spec: PolicyNetworkSpec): ObservationOptions {
  return {
    history: spec.history ?? DEFAULT_OBSERVATION.history,
    messageView: spec.messageView ?? DEFAULT_OBSERVATION.messageView,
    sampleView: spec.sampleView ?? DEFAULT_OBSERVATION.sampleView,
    valueFrame: spec.valueFrame ?? DEFAULT_OBSERVATION.valueFrame,
    symmetricOthers: spec.symmetricOthers === true,
  };
}

/** What the honest network reads and may choose, beyond its shape (all kept in the saved spec). */
export interface HonestNetworkOptions {
  /** What it reads (default DEFAULT_OBSERVATION, key by key). */
  observation?: Partial<ObservationOptions>;
  /**
   * Own-input frame: initial logit of "send my own input" (0: uniform message head).
   * Positive values start truthful, as `paper` actions are by construction: under `free` and
   * `relay` actions a uniform message head says nothing, so no listener learns to read it and the
   * team settles on the constant commit (pki, even against a silent adversary: 87.1–87.7% on
   * seeds 0–2; with +2, 100%).
   */
  messageBias?: number;
  /**
   * Relay actions: initial logit of "relay what arrived" (0: uniform relay head). A forwarded value
   * helps only a listener that reads it, and a listener learns to read only what is forwarded: from a
   * uniform start the relay head drifts with nothing to hold it (pki, EXPERIMENTS §12, config H).
   */
  relayBias?: number;
  /** No waiting in the last round (PolicyNetworkSpec.commitAtHorizon; default false). */
  commitAtHorizon?: boolean;
  /** `equivariant`: the other agents read alike by one shared encoder (policy/equivariant.ts; default mlp). */
  kind?: NetworkKind;
  /** Hidden sizes of the equivariant network's shared encoder (default DEFAULT_ENCODER). */
  encoder?: readonly number[];
  /** Multiplies the honest policy's logits (PolicyNetworkSpec.logitScale; default 1). */
  logitScale?: number;
  /** Multiplies the pooled evidence bits of a linear equivariant network (PolicyNetworkSpec.evidenceGain; default 1). */
  evidenceGain?: number;
  /** Honest networks: add the auxiliary majority head (PolicyNetworkSpec.majorityHead; one logit per value). */
  majorityHead?: boolean;
}

export interface NetworkOptions extends HonestNetworkOptions {
  /** Hidden layer sizes (default DEFAULT_HONEST_HIDDEN for the honest side, DEFAULT_HIDDEN for the adversary). */
  hidden?: readonly number[];
  /** Add a value head (default false). */
  value?: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
  /**
   * Honest side: initial logit of every commit option (0: uniform heads; default
   * DEFAULT_COMMIT_BIAS). Negative values start patient (mostly send / wait), so that the later
   * rounds learn what to do with the messages before round 1 learns that committing blind is
   * better than waiting for a still-random round 2. Alone it does not avoid the constant commit
   * (87.5%) on honest-consensus; with a linear policy on centred inputs it does (−4 is too patient:
   * it settles on "send, then commit the own input", 25%).
   */
  commitBias?: number;
  /** Centre the observations on a running mean (PolicyNetworkSpec.centerInputs; default false). */
  centerInputs?: boolean;
}

/** Heads whose options ≥ 1 commit: paper's and slush's single head, `decision`, `commit`. */
const COMMIT_HEADS = new Set(['action', 'decision', 'commit']);

/** The adversary's default hidden layers (the seed paper's). */
export const DEFAULT_HIDDEN: readonly number[] = [16, 8];
/**
 * The honest side's defaults, measured on honest-consensus (5 seeds, 100 epochs): a linear policy
 * on centred observations that starts patient (commit logits −2, P(send) ≈ 0.79) reaches 100%
 * greedy wins (and majority-correct commits) by epoch 30 on every seed of 0–4; drop any one of the
 * three and the seeds end at the constant commit (87.5%) or at "commit 0 unless everyone said 1"
 * (wins 100%, majority-correct 63%), both equilibria of the team game. Hidden layers of ReLU units give every state a large shared component,
 * so the learned change of the logits is mostly state-independent, and in this team game a
 * state-independent drift (all agents favouring one value) feeds itself: it locks in the constant
 * commit before the state-dependent majority rule is learned.
 */
export const DEFAULT_HONEST_HIDDEN: readonly number[] = [];
export const DEFAULT_COMMIT_BIAS = -2;
export const DEFAULT_CENTER_INPUTS = true;

export function honestNetwork(scenario: Scenario, options: NetworkOptions): PolicyNetwork {
  const space = new ActionSpace(scenario);
  const commitBias = options.commitBias ?? DEFAULT_COMMIT_BIAS;
  const initialBias = new Array<number>(space.maskWidth).fill(0);
  for (const head of space.heads) if (COMMIT_HEADS.has(head.name)) for (let c = 1; c < head.size; c++) initialBias[head.offset + c] = commitBias;
  const message = space.head('message');
  const { history, messageView, sampleView, valueFrame, symmetricOthers } = { ...DEFAULT_OBSERVATION, ...options.observation };
  if (options.messageBias !== undefined && options.messageBias !== 0) {
    if (valueFrame !== 'own-input' && valueFrame !== 'symmetric') throw new RangeError(`messageBias=${options.messageBias}: needs valueFrame=own-input or symmetric (only there is "send my input" one option)`);
    if (!message) throw new RangeError(`messageBias=${options.messageBias}: the ${scenario.honestActions} action space has no message head`);
    initialBias[message.offset + 1] = options.messageBias;
  }
  if (options.relayBias !== undefined && options.relayBias !== 0) {
    const relay = space.head('relay');
    if (!relay) throw new RangeError(`relayBias=${options.relayBias}: the ${scenario.honestActions} action space has no relay head`);
    initialBias[relay.offset + 1] = options.relayBias;
  }
  if (symmetricOthers) {
    const why = refuseSymmetricOthers(scenario);
    if (why) throw new RangeError(why);
  }
  const observer = new Observer(scenario, { history, messageView, sampleView });
  if (options.kind === 'equivariant') {
    const why = refuseEquivariant(scenario);
    if (why) throw new RangeError(why);
  }
  const equivariant = options.kind === 'equivariant' ? equivariantTemplate(observer, options.encoder ?? DEFAULT_ENCODER) : undefined;
  return new PolicyNetwork({ obsSize: observer.size, ...(equivariant && { equivariant }), heads: space.heads, hidden: options.hidden ?? DEFAULT_HONEST_HIDDEN, value: options.value ?? false, seed: options.seed, initialBias, ...(options.centerInputs && { centerInputs: true }), ...(valueFrame !== 'absolute' && { valueFrame }), ...(history > 1 && { history }), ...(options.commitAtHorizon && { commitAtHorizon: true }), ...(symmetricOthers && { symmetricOthers: true }), ...(messageView !== 'per-sender' && { messageView }), ...(sampleView !== 'counts' && { sampleView }), ...(options.logitScale !== undefined && options.logitScale !== 1 && { logitScale: options.logitScale }), ...(options.evidenceGain !== undefined && options.evidenceGain !== 1 && { evidenceGain: options.evidenceGain }), ...(options.majorityHead && { majorityHead: scenario.values }) });
}

export function adversaryNetwork(scenario: Scenario, options: NetworkOptions): PolicyNetwork {
  const space = new AdversarySpace(scenario);
  return new PolicyNetwork({ obsSize: space.obsSize, heads: space.heads, hidden: options.hidden ?? DEFAULT_HIDDEN, value: options.value ?? false, seed: options.seed, ...(options.centerInputs && { centerInputs: true }) });
}
