/**
 * Guard mutants of a threshold automaton (the robustness hunt, `cgym hunt --honest FILE.ta`): each
 * threshold of each rule's guard moved by ±1 — the classic off-by-one in `n − t` or `t + 1`. A
 * threshold is a comparison with a shared counter on one side and none on the other (`nsnt >=
 * THRESH2 - F`); its counter-free side gets `+ 1` or `- 1`. Game-independent: the result is a
 * mutated syntax tree, run like the original by protocol.ts.
 *
 * Names: `guard<label>-plus-1` / `guard<label>-minus-1` (the rule's label in the file); a guard with
 * several thresholds numbers them, `guard<label>-cmp<c>-plus-1`; a label the file repeats gets the
 * rule's position too, `guard<label>-at<k>-…`.
 */
import type { ArithExpr, BoolExpr, Comparison, ThresholdAutomaton } from './ast.js';
import { formatFormula } from './format.js';

export interface AutomatonMutant {
  /** Kebab-case: `guard1-plus-1`. */
  mutation: string;
  /** One line: which rule, the guard as mutated, and the original's. */
  description: string;
  automaton: ThresholdAutomaton;
}

/** Every threshold of every rule's guard, ±1, in rule order. */
export function guardMutants(ta: ThresholdAutomaton): AutomatonMutant[] {
  const shared = new Set(ta.shared);
  const labelCount = new Map<number, number>();
  for (const rule of ta.rules) labelCount.set(rule.label, (labelCount.get(rule.label) ?? 0) + 1);
  const mutants: AutomatonMutant[] = [];
  ta.rules.forEach((rule, k) => {
    const thresholds = comparisons(rule.guard).flatMap((cmp, c) => {
      const left = mentionsShared(cmp.left, shared), right = mentionsShared(cmp.right, shared);
      return left !== right ? [{ c, side: left ? ('right' as const) : ('left' as const) }] : [];
    });
    const label = `guard${rule.label}${labelCount.get(rule.label)! > 1 ? `-at${k}` : ''}`;
    thresholds.forEach(({ c, side }, t) => {
      for (const delta of [1, -1] as const) {
        const automaton = structuredClone(ta);
        const target = comparisons(automaton.rules[k]!.guard)[c]!;
        target[side] = shifted(target[side], delta);
        mutants.push({
          mutation: `${label}${thresholds.length > 1 ? `-cmp${t + 1}` : ''}-${delta > 0 ? 'plus' : 'minus'}-1`,
          description: `threshold ${delta > 0 ? '+1' : '−1'} in rule ${rule.label} (${rule.from} -> ${rule.to}): when (${formatFormula(automaton.rules[k]!.guard)}) instead of (${formatFormula(rule.guard)})`,
          automaton,
        });
      }
    });
  });
  return mutants;
}

/** The comparisons of a guard, left to right (the same order in a clone). */
function comparisons(e: BoolExpr): Comparison[] {
  switch (e.kind) {
    case 'cmp':
      return [e];
    case 'true':
      return [];
    case 'not':
      return comparisons(e.operand);
    default:
      return [...comparisons(e.left), ...comparisons(e.right)];
  }
}

function mentionsShared(e: ArithExpr, shared: ReadonlySet<string>): boolean {
  switch (e.kind) {
    case 'int':
    case 'macro':
      return false;
    case 'var':
      return shared.has(e.name);
    default:
      return mentionsShared(e.left, shared) || mentionsShared(e.right, shared);
  }
}

/** `e + 1` or `e - 1`, positioned at `e` (messages point at the mutated threshold). */
function shifted(e: ArithExpr, delta: 1 | -1): ArithExpr {
  return { kind: delta > 0 ? 'add' : 'sub', left: e, right: { kind: 'int', value: 1, at: e.at }, at: e.at };
}
