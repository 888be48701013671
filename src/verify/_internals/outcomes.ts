/**
 * Judging *sets* of reachable outcomes, one set per honest agent, when the adversary can pick each
 * agent's outcome independently of the others (the last round: what h decides depends only on
 * what reached h). Mirrors `judge.ts` (GAME.md §8) on decisions alone: the adversary can break
 * - termination iff some agent can be left undecided;
 * - validity iff some agent can decide an invalid value;
 * - consistency iff two different agents can decide two different values.
 * A test replays every counterexample in the engine, where `judge.ts` must agree.
 */
import type { HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';

export const CONSISTENCY = 1, VALIDITY = 2, TERMINATION = 4;
export const PROPERTIES = [
  [CONSISTENCY, 'consistency'],
  [VALIDITY, 'validity'],
  [TERMINATION, 'termination'],
] as const;

/** An agent's outcome: UNDECIDED, or its decision (a value, or a vector coded base V under IC). */
export const UNDECIDED = -1;

/** The outcome of agent h in slot b as it stands. */
export function outcomeCode(game: GameBatch, b: number, h: number): number {
  const n = game.n;
  const a = b * n + h;
  if (game.decisionRound[a] === 0) return UNDECIDED;
  if (!game.hasVector) return game.decision[a]!;
  let code = 0;
  for (let j = n - 1; j >= 0; j--) code = code * game.values + game.decisionVector[a * n + j]!;
  return code;
}

/**
 * Agent h's outcome once this round's honest actions (`honest`, not yet stepped) take effect: the
 * same as stepping and reading `outcomeCode`, without the step (the last round of the horizon).
 */
export function pendingOutcome(game: GameBatch, honest: HonestActions, b: number, h: number): number {
  const n = game.n;
  const a = b * n + h;
  if (game.decisionRound[a] !== 0) return outcomeCode(game, b, h);
  if (!game.needsAction(b, h) || honest.decision[a]! < 0) return UNDECIDED;
  if (!game.hasVector) return honest.decision[a]!;
  let code = 0;
  for (let j = n - 1; j >= 0; j--) code = code * game.values + honest.decisionVector[a * n + j]!;
  return code;
}

/** What validity needs to know about a chance outcome. */
export interface ValidityContext {
  problem: 'agreement' | 'broadcast' | 'interactive-consistency';
  n: number;
  values: number;
  /** Agreement: the common input when all counted inputs agree, else −1. */
  unanimous: number;
  /** Broadcast: the honest sender's input, or −1 when the sender is faulty. */
  senderInput: number;
  /** IC: input of each agent, −1 for faulty ones. */
  honestInputs: number[];
}

export function validityContext(game: GameBatch, b: number): ValidityContext {
  const { n, values } = game;
  const base = b * n;
  const faultyCounts = game.scenario.faults !== 'byzantine'; // judge.ts: crash/omission inputs count
  let unanimous = -2;
  for (let i = 0; i < n; i++) {
    if (game.faulty[base + i] && !faultyCounts) continue;
    const x = game.input[base + i]!;
    unanimous = unanimous === -2 ? x : unanimous === x ? x : -1;
  }
  return {
    problem: game.scenario.problem,
    n,
    values,
    unanimous: unanimous < 0 ? -1 : unanimous,
    senderInput: game.faulty[base] ? -1 : game.input[base]!,
    honestInputs: Array.from({ length: n }, (_, i) => (game.faulty[base + i] ? -1 : game.input[base + i]!)),
  };
}

export function isInvalid(code: number, ctx: ValidityContext): boolean {
  if (code === UNDECIDED) return false;
  switch (ctx.problem) {
    case 'agreement':
      return ctx.unanimous >= 0 && code !== ctx.unanimous;
    case 'broadcast':
      return ctx.senderInput >= 0 && code !== ctx.senderInput;
    case 'interactive-consistency': {
      let rest = code;
      for (let j = 0; j < ctx.n; j++) {
        const entry = rest % ctx.values;
        rest = Math.floor(rest / ctx.values);
        if (ctx.honestInputs[j]! >= 0 && entry !== ctx.honestInputs[j]) return true;
      }
      return false;
    }
  }
}

/** Per honest agent, its reachable outcomes, each with a reference to how the adversary reaches it. */
export type OutcomeSets<T> = Array<Map<number, T>>;

export interface SetVerdict<T> {
  /** Bits of the properties the adversary can break (each on its own). */
  mask: number;
  /** One pick per agent realising a violation (the first of consistency, validity, termination). */
  picks?: T[];
}

export function judgeSets<T>(sets: OutcomeSets<T>, ctx: ValidityContext): SetVerdict<T> {
  const first = sets.map((s) => s.entries().next().value as [number, T]);
  let mask = 0;
  let picks: T[] | undefined;
  const pickWith = (h: number, ref: T, h2 = -1, ref2?: T) => {
    if (picks) return;
    picks = first.map(([, r], k) => (k === h ? ref : k === h2 ? ref2! : r));
  };
  // Consistency: agent h decides c, another agent can decide something else.
  outer: for (let h = 0; h < sets.length; h++) {
    for (const [c, ref] of sets[h]!) {
      if (c === UNDECIDED) continue;
      for (let k = 0; k < sets.length; k++) {
        if (k === h) continue;
        for (const [c2, ref2] of sets[k]!) {
          if (c2 === UNDECIDED || c2 === c) continue;
          mask |= CONSISTENCY;
          pickWith(h, ref, k, ref2);
          break outer;
        }
      }
    }
  }
  for (let h = 0; h < sets.length; h++) {
    for (const [c, ref] of sets[h]!) {
      if (!(mask & VALIDITY) && isInvalid(c, ctx)) {
        mask |= VALIDITY;
        pickWith(h, ref);
      }
      if (!(mask & TERMINATION) && c === UNDECIDED) {
        mask |= TERMINATION;
        pickWith(h, ref);
      }
    }
  }
  return picks ? { mask, picks } : { mask };
}
