/**
 * A cheap falsification pass before the proof, per chance outcome: a batch of adversary strategies
 * played on the rules engine — first the attacks given as hints whose chance outcome this is (a
 * previous verification's: what broke the policy last time), then the silent adversary, then
 * uniformly random choices among moves.ts's options each round — all in one batch, so the protocol
 * acts once a round for all of them. The first episode the honest side loses is a real
 * counterexample, and it settles the outcome: the adversary wins there, which is all the worst-case
 * loss rate needs to know of it. Where none wins, the exhaustive search decides (search.ts).
 *
 * So the loss rate stays exact with it. What a falsified outcome does not give is every property
 * the adversary could break there (only those the found attack breaks) or the shortest attack.
 *
 * Why (issue 15): a young neural policy of ba-n4-f1 loses most chance outcomes to the silent
 * adversary, yet each of them cost the search hundreds of thousands of network evaluations.
 */
import { AdversaryActions, HonestActions } from '../../game/actions.js';
import { GameBatch, type EpisodeSetup } from '../../game/GameBatch.js';
import { judgeEpisode } from '../../game/judge.js';
import { RNG_WORDS, seedStream, Stream } from '../../game/rng.js';
import type { Scenario } from '../../game/scenario.js';
import type { Attack } from '../../protocols/adversaries/attackPool.js';
import { writeRound, type AdversaryScript, type ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { describeOption, DELAY, DELIVER, DROP, generateMoves, MSG, randomChoice, RELAY, type Field } from './moves.js';
import { CONSISTENCY, TERMINATION, VALIDITY } from './outcomes.js';
import { RandomisedProtocolError } from './search.js';

/** What the falsification pass tries per chance outcome (`VerifyOptions.falsify`). */
export interface FalsifyOptions {
  /** Episodes played per chance outcome: the hints for it, the silent adversary, and random strategies for the rest. */
  episodes: number;
  /** Attacks to try first where their chance outcome is searched (a previous verification's `attacks`). */
  hints?: readonly Attack[];
  /**
   * Attack every chance outcome before any search, and stop (there, or between the searches) once
   * the outcomes lost reach this share: the result's loss rate is then a lower bound
   * (`VerifyStats.lowerBound`). A trainer that keeps its best policy needs no exact loss for one
   * already no better than the best.
   */
  enough?: number;
}

/** An attack that wins one chance outcome. */
export interface FalsifiedOutcome {
  /** Properties the attack breaks (outcomes.ts bits). */
  mask: number;
  /** Rounds the episode lasted. */
  rounds: number;
  script: ScriptRound[];
}

/** Fixed: the pass is part of a deterministic verdict (and only which attack is reported depends on it). */
const FALSIFY_SEED = 0xfa15;

const outcomeKey = (setup: EpisodeSetup): string => `${setup.faulty.join(',')}|${setup.inputs.join(',')}|${setup.gst ?? ''}`;

/**
 * A hint's round as the adversary can play it here: each of moves.ts's fields (what the exhaustive
 * search would offer) takes the hint's choice where it is one of the field's, else its first
 * (silent, withheld, no delay, not delivered). A hint was another policy's attack: under pki its
 * relays may claim values this policy never signed, which the rules refuse, and a tag may lie
 * outside what the search covers; so a hint attack is always one the search could have found.
 */
function legalised(game: GameBatch, b: number, honest: HonestActions, tags: readonly number[] | undefined, hint: ScriptRound): ScriptRound {
  const moves = generateMoves(game, b, honest, tags);
  const crashes = [...(hint.crashes ?? [])].sort((x, y) => x - y).join(',');
  const move = moves.find((m) => [...m.crashes].sort((x, y) => x - y).join(',') === crashes) ?? moves[0]!;
  const chains = game.chains;
  const wanted = (field: Field, h: number): number | undefined => {
    const { sender } = field;
    switch (field.kind) {
      case MSG: {
        const m = hint.messages?.find(([i, j]) => i === sender && j === h);
        return m && m[2] * 256 + m[3];
      }
      case RELAY: {
        const m = hint.relays?.find(([i, j, o, , via]) => i === sender && j === h && (via === undefined || via.length === 0 ? o : chains!.index([o, ...via])) === field.origin);
        return m?.[3];
      }
      case DELAY:
        return hint.delays?.find(([i, j]) => i === sender && j === h)?.[2];
      case DELIVER:
        return hint.crashDeliver?.some(([i, j]) => i === sender && j === h) ? 1 : undefined;
      case DROP:
        return hint.drops?.some(([i, j]) => i === sender && j === h) ? 1 : undefined;
      default:
        return hint.sampleAnswers?.find(([i, j]) => i === sender && j === h)?.[2];
    }
  };
  const out: ScriptRound = move.crashes.length ? { crashes: [...move.crashes] } : {};
  for (const m of move.recipients)
    for (const field of m.fields) {
      const at = field.choices.indexOf(wanted(field, m.recipient) ?? Number.NaN);
      describeOption(chains, { recipient: m.recipient, fields: [field], count: field.choices.length }, Math.max(at, 0), out);
    }
  return out;
}

/** FNV-1a of a string: an outcome's stream index. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

export class Falsifier {
  private readonly game: GameBatch;
  private readonly honest: HonestActions;
  private readonly adversary: AdversaryActions;
  private readonly rng = new Uint32Array(RNG_WORDS);
  private readonly hints = new Map<string, AdversaryScript[]>();
  private readonly tags: readonly number[] | undefined;
  /** Answers by outcome, so that a pre-pass over every outcome and the per-outcome solver play each once. */
  private readonly answers = new Map<string, FalsifiedOutcome | undefined>();
  /** Engine states played (episodes × rounds) since the last `takeStates`. */
  private played = 0;

  constructor(scenario: Scenario, private readonly protocol: HonestProtocol, options: FalsifyOptions) {
    if (!(Number.isInteger(options.episodes) && options.episodes >= 1)) throw new RangeError(`verify: falsify.episodes must be an integer ≥ 1 (got ${options.episodes})`);
    const size = options.episodes;
    this.game = new GameBatch(scenario, { size, memorySlots: protocol.memorySlots, seed: FALSIFY_SEED });
    this.honest = new HonestActions(size, scenario.n, scenario);
    this.adversary = new AdversaryActions(size, scenario.n, scenario);
    this.tags = protocol.messageTags?.(scenario);
    for (const { setup, script } of options.hints ?? []) {
      const key = outcomeKey(setup);
      (this.hints.get(key) ?? this.hints.set(key, []).get(key)!).push(script);
    }
  }

  /** A winning attack on `setup`, or undefined when none of the episodes wins. */
  attack(setup: EpisodeSetup): FalsifiedOutcome | undefined {
    const key = outcomeKey(setup);
    if (this.answers.has(key)) return this.answers.get(key);
    const answer = this.play(setup);
    this.answers.set(key, answer);
    return answer;
  }

  /** The engine states played since the last call: each counted once, by whoever solves its outcome. */
  takeStates(): number {
    const played = this.played;
    this.played = 0;
    return played;
  }

  private play(setup: EpisodeSetup): FalsifiedOutcome | undefined {
    const { game, honest, adversary, rng } = this;
    const size = game.size;
    // Each outcome its own random stream, whatever was solved before it (a worker solves some outcomes only).
    seedStream(rng, 0, FALSIFY_SEED, hashKey(outcomeKey(setup)), Stream.adversary);
    const hints = (this.hints.get(outcomeKey(setup)) ?? []).slice(0, size);
    game.reset(0);
    for (let b = 0; b < size; b++) game.setup(b, setup);
    const scripts: ScriptRound[][] = Array.from({ length: size }, () => []);
    const before = new Uint32Array(game.rng.length);
    for (let r = 1; !game.allDone; r++) {
      honest.clear();
      before.set(game.rng);
      this.protocol.act(game, honest);
      for (let b = 0; b < size; b++) {
        const o = game.streamOffset(b, Stream.honest);
        for (let w = 0; w < RNG_WORDS; w++)
          if (game.rng[o + w] !== before[o + w]) throw new RandomisedProtocolError(`verify: ${this.protocol.name} draws honest randomness (round ${r}); the exhaustive search covers deterministic protocols only`);
      }
      adversary.clear();
      for (let b = 0; b < size; b++) {
        if (game.done[b]) continue;
        this.played++;
        // Slots: the hints, then the silent adversary, then random strategies.
        const choice: ScriptRound = b < hints.length ? legalised(game, b, honest, this.tags, hints[b]![r - 1] ?? {}) : b === hints.length ? {} : randomChoice(game, b, honest, this.tags, rng);
        scripts[b]!.push(choice);
        writeRound(game, b, choice, adversary);
      }
      game.step(honest, adversary);
    }
    for (let b = 0; b < size; b++) {
      const outcome = judgeEpisode(game, b);
      const mask = (outcome.consistent ? 0 : CONSISTENCY) | (outcome.valid ? 0 : VALIDITY) | (outcome.terminated ? 0 : TERMINATION);
      if (mask) return { mask, rounds: game.roundsPlayed[b]!, script: scripts[b]! };
    }
    return undefined;
  }
}
