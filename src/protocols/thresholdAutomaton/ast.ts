/**
 * The typed syntax tree of a threshold automaton in ByMC's `.ta` format (the grammar of ByMC's
 * `ta.mly` / `talex.mll`, github.com/konnov/bymc): a header (`skel`, `threshAuto` or
 * `thresholdAutomaton`), declarations (`local`, `shared`, `parameters`, `unknowns`), `define`d
 * macros, then `assumptions`, `locations`, `inits`, `rules` and `specifications`, in that order.
 * Game-independent: nothing here knows about agents or rounds.
 */

/** Where a node starts in its file (1-based). */
export interface Position {
  line: number;
  col: number;
}

export type ArithExpr =
  | { kind: 'int'; value: number; at: Position }
  /** A variable (local, shared, parameter or unknown); `next` for a primed `x'` (updates only). */
  | { kind: 'var'; name: string; next: boolean; at: Position }
  /** A `define`d macro (capitals and digits, at least two characters: `THRESH1`). */
  | { kind: 'macro'; name: string; at: Position }
  /** Unary minus is `sub` with a left `int` 0, as in ByMC. */
  | { kind: 'add' | 'sub' | 'mul'; left: ArithExpr; right: ArithExpr; at: Position };

export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Comparison {
  kind: 'cmp';
  op: ComparisonOp;
  left: ArithExpr;
  right: ArithExpr;
  at: Position;
}

/** Guards and assumptions: comparisons joined by `!`, `&&`, `||`, and `true` (`when (1)` too). */
export type BoolExpr =
  | Comparison
  | { kind: 'true'; at: Position }
  | { kind: 'not'; operand: BoolExpr; at: Position }
  | { kind: 'and' | 'or'; left: BoolExpr; right: BoolExpr; at: Position };

/** Specifications: ByMC's LTL fragment over comparisons (`<>` eventually, `[]` always). */
export type LtlExpr =
  | Comparison
  | { kind: 'not' | 'eventually' | 'always'; operand: LtlExpr; at: Position }
  | { kind: 'and' | 'or' | 'implies'; left: LtlExpr; right: LtlExpr; at: Position };

export interface Location {
  name: string;
  /** One integer per local variable (ByMC checks the count). */
  values: number[];
  at: Position;
}

/** `x' == e`; `unchanged(x, y)` becomes `x' == x`, `y' == y`. */
export interface Update {
  variable: string;
  expr: ArithExpr;
  at: Position;
}

export interface Rule {
  /** The number before the colon (ByMC allows repeats). */
  label: number;
  from: string;
  to: string;
  guard: BoolExpr;
  updates: Update[];
  at: Position;
}

export interface Specification {
  name: string;
  formula: LtlExpr;
  at: Position;
}

export type Header = 'skel' | 'threshAuto' | 'thresholdAutomaton';

export interface ThresholdAutomaton {
  /** The file it was read from (for messages). */
  file: string;
  /** null: ByMC's grammar lets the header word be left out. */
  header: Header | null;
  name: string;
  locals: string[];
  shared: string[];
  parameters: string[];
  unknowns: string[];
  /** Macros in definition order; a macro may use the ones before it. */
  defines: { name: string; expr: ArithExpr; at: Position }[];
  assumptions: BoolExpr[];
  locations: Location[];
  inits: Comparison[];
  rules: Rule[];
  specifications: Specification[];
}
