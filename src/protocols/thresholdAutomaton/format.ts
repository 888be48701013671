/** Threshold-automaton expressions back to ByMC's syntax (for messages and traces), parenthesised where precedence needs it. */
import type { ArithExpr, BoolExpr, LtlExpr } from './ast.js';

const ARITH_RANK = { add: 1, sub: 1, mul: 2 } as const;

export function formatArith(e: ArithExpr, outer = 0): string {
  switch (e.kind) {
    case 'int':
      return String(e.value);
    case 'var':
      return e.next ? `${e.name}'` : e.name;
    case 'macro':
      return e.name;
    default: {
      if (e.kind === 'sub' && e.left.kind === 'int' && e.left.value === 0 && e.left.at === e.at) return `-${formatArith(e.right, 3)}`;
      const rank = ARITH_RANK[e.kind];
      const op = e.kind === 'add' ? '+' : e.kind === 'sub' ? '-' : '*';
      // The right operand of - binds tighter: a - (b + c).
      const text = `${formatArith(e.left, rank)} ${op} ${formatArith(e.right, e.kind === 'sub' ? rank + 1 : rank)}`;
      return rank < outer ? `(${text})` : text;
    }
  }
}

const LOGIC_RANK = { implies: 1, or: 2, and: 3 } as const;

export function formatFormula(e: BoolExpr | LtlExpr, outer = 0): string {
  switch (e.kind) {
    case 'cmp':
      return `${formatArith(e.left)} ${e.op} ${formatArith(e.right)}`;
    case 'true':
      return 'true';
    case 'not':
    case 'eventually':
    case 'always': {
      const op = e.kind === 'not' ? '!' : e.kind === 'eventually' ? '<>' : '[]';
      const inner = e.operand.kind === 'cmp' || e.operand.kind === 'and' || e.operand.kind === 'or' || e.operand.kind === 'implies' ? `(${formatFormula(e.operand)})` : formatFormula(e.operand, 4);
      return `${op}${inner}`;
    }
    default: {
      const rank = LOGIC_RANK[e.kind];
      const op = e.kind === 'implies' ? '->' : e.kind === 'or' ? '||' : '&&';
      // `->` is left-associative in ByMC, so a right operand of the same rank needs parentheses.
      const text = `${formatFormula(e.left, rank)} ${op} ${formatFormula(e.right, rank + 1)}`;
      return rank < outer ? `(${text})` : text;
    }
  }
}
