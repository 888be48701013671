/**
 * A scenario: the assumptions of one consensus game (GAME.md §2), validated at the edge.
 *
 * Every rule lives in the zod schema below, and every failure names the key, the value and the
 * rule (`f=3: must be < n=3`). Nothing is silently clamped: a value outside its range is an error.
 */
import { z } from 'zod';

export const FAULT_KINDS = ['byzantine', 'crash', 'omission'] as const;
export const PLACEMENTS = ['random', 'fixed'] as const;
export const PROBLEMS = ['agreement', 'broadcast', 'interactive-consistency'] as const;
export const TIMINGS = ['sync', 'partial-sync', 'async'] as const;
export const IDENTITIES = ['authenticated', 'pki', 'anonymous'] as const;
export const ACTION_SPACES = ['paper', 'free', 'relay', 'slush', 'sampling'] as const;
export const AFTER_COMMIT = ['halt', 'continue'] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];
export type Problem = (typeof PROBLEMS)[number];
export type Timing = (typeof TIMINGS)[number];
export type Identity = (typeof IDENTITIES)[number];
export type ActionSpaceName = (typeof ACTION_SPACES)[number];

/** Largest horizon: rounds are stored in bytes and one-hot encoded in observations. */
export const MAX_ROUNDS = 64;
export const MAX_AGENTS = 16;
export const MAX_DELAY = 8;

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const RewardsSchema = z.strictObject({
  consistencyViolation: z.number().finite().default(-1),
  validityViolation: z.number().finite().default(-1),
  majorityViolation: z.number().finite().default(0),
  correctCommit: z.number().finite().default(1),
  roundPenalty: z.number().finite().default(0),
  earlyCommit: z.number().finite().default(0),
  noCommit: z.number().finite().default(-1),
  /** `zero-sum`: the adversary gets the negated honest team reward; `win-loss`: +1 / −1. */
  adversary: oneOf(['zero-sum', 'win-loss'] as const).default('zero-sum'),
});
export type Rewards = z.infer<typeof RewardsSchema>;

const InputsSchema = z.union(
  [z.literal('uniform'), z.strictObject({ split: z.tuple([int(0, MAX_AGENTS), int(0, MAX_AGENTS)]) })],
  { error: 'must be "uniform" or {"split": [a, b]}' },
);

const BaseScenarioSchema = z.strictObject({
  name: z.string().default('custom'),
  description: z.string().default(''),
  n: int(2, MAX_AGENTS),
  f: int(0, MAX_AGENTS - 1),
  faults: oneOf(FAULT_KINDS).default('byzantine'),
  faultyPlacement: oneOf(PLACEMENTS).default('random'),
  problem: oneOf(PROBLEMS).default('agreement'),
  values: int(2, 4).default(2),
  inputs: InputsSchema.default('uniform'),
  timing: oneOf(TIMINGS).default('sync'),
  identity: oneOf(IDENTITIES).default('authenticated'),
  honestActions: oneOf(ACTION_SPACES).default('free'),
  maxRounds: int(1, MAX_ROUNDS),
  sampleSize: int(1, MAX_AGENTS - 1).default(3),
  maxDelay: int(0, MAX_DELAY).default(1),
  gst: z.union([z.literal('random'), int(1, MAX_ROUNDS)], { error: 'must be "random" or a round number' }).default('random'),
  afterCommit: oneOf(AFTER_COMMIT).default('halt'),
  /** Most signatures a relayed chain carries (origin, relayers…); default max(2, f+1). Relay actions only. */
  relayDepth: int(2, MAX_AGENTS).optional(),
  rewards: RewardsSchema.default(RewardsSchema.parse({})),
});

/** The cross-key rules of GAME.md §2; each names the keys and values involved. */
export const ScenarioSchema = BaseScenarioSchema.superRefine((s, ctx) => {
  const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (s.f >= s.n) fail('f', `must be < n=${s.n}`);
  if (s.inputs !== 'uniform') {
    const [a, b] = s.inputs.split;
    if (a + b !== s.n - s.f) fail('inputs', `split counts ${a}+${b} must sum to n-f=${s.n - s.f}`);
  }
  const samples = s.honestActions === 'slush' || s.honestActions === 'sampling';
  if (samples && s.sampleSize > s.n - 1) fail('sampleSize', `must be ≤ n-1=${s.n - 1} (a sample queries others)`);
  if (s.identity === 'anonymous' && s.honestActions === 'relay')
    fail('honestActions', 'relay needs identity authenticated or pki (relays name their origin; got identity=anonymous)');
  if (s.identity === 'anonymous' && s.problem !== 'agreement')
    fail('problem', `${s.problem} needs to know who sent what, which identity=anonymous hides`);
  if (s.problem === 'interactive-consistency' && (s.honestActions === 'paper' || s.honestActions === 'slush'))
    fail('honestActions', `${s.honestActions} has no vector decision head; interactive-consistency needs free, relay or sampling`);
  if (s.timing === 'sync' && s.gst !== 'random') fail('gst', 'is only meaningful with timing=partial-sync');
  if (typeof s.gst === 'number' && s.gst > s.maxRounds) fail('gst', `must be ≤ maxRounds=${s.maxRounds}`);
  if (s.relayDepth !== undefined && s.honestActions !== 'relay') fail('relayDepth', `needs honestActions=relay (got ${s.honestActions})`);
  if (s.relayDepth !== undefined && s.relayDepth > s.n) fail('relayDepth', `must be ≤ n=${s.n} (a chain's signatures are distinct agents)`);
  if (s.timing !== 'sync' && s.maxDelay === 0) fail('maxDelay', `must be ≥ 1 with timing=${s.timing} (0 is sync)`);
});

export type Scenario = z.output<typeof ScenarioSchema>;
/** What a user writes: every key with a default may be left out. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** A scenario that breaks a rule; `message` is one line naming key, value and rule. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * One zod issue as `key=value: rule` (or `unknown key …`, `key is missing`), naming the keys known
 * where an unknown one was given. Shared by every schema read at the edge (scenarios, configs).
 */
function formatIssue(input: unknown, issue: z.core.$ZodIssue, knownKeysAt: (path: readonly PropertyKey[]) => string[], whole: string): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}.` : '';
    return `unknown key ${issue.keys.map((k) => where + k).join(', ')} (known: ${knownKeysAt(issue.path).join(', ')})`;
  }
  const key = issue.path.join('.') || whole;
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  if (value === undefined && issue.code === 'invalid_type') return `${key} is missing: it is required`;
  return `${key}=${shown}: ${issue.message}`;
}

/** Every issue of a failed parse, `; `-separated, one line. */
export function describeIssues(input: unknown, issues: readonly z.core.$ZodIssue[], knownKeysAt: (path: readonly PropertyKey[]) => string[], whole: string): string {
  return issues.map((issue) => formatIssue(input, issue, knownKeysAt, whole)).join('; ');
}

/**
 * The keys a user may give at `path` inside an object schema, for "unknown key" messages: the
 * nested object's keys, seen through `.default()`, `.nullable()`, `.optional()` and unions.
 */
export function schemaKeys(schema: z.ZodType): (path: readonly PropertyKey[]) => string[] {
  const objectOf = (node: unknown): Record<string, unknown> | undefined => {
    for (let depth = 0; depth < 8 && node !== null && typeof node === 'object'; depth++) {
      if ('shape' in node) return (node as { shape: Record<string, unknown> }).shape;
      if ('options' in node && Array.isArray((node as { options: unknown }).options)) {
        node = ((node as { options: unknown[] }).options).find((option) => objectOf(option) !== undefined);
        continue;
      }
      if (!('unwrap' in node)) return undefined;
      node = (node as { unwrap: () => unknown }).unwrap();
    }
    return undefined;
  };
  return (path) => {
    let shape = objectOf(schema);
    for (const key of path) shape = shape === undefined ? undefined : objectOf(shape[String(key)]);
    return shape === undefined ? [] : Object.keys(shape);
  };
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 1 && path[0] === 'rewards') return Object.keys(RewardsSchema.shape);
  return Object.keys(BaseScenarioSchema.shape);
}

/** Validates raw input into a complete scenario, or throws a ScenarioError with every broken rule. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ScenarioError(`${source}: ${describeIssues(input, result.error.issues, knownKeys, '(scenario)')}`);
}

/**
 * Most signatures a relayed chain carries: the scenario's `relayDepth`, else f+1 (what OM(f) and
 * Dolev–Strong need), and at least 2 (one hop: origin → relayer → recipient).
 */
export const relayDepthOf = (s: Scenario): number => s.relayDepth ?? Math.max(2, s.f + 1);

/** Number of honest agents. */
export const honestCount = (s: Scenario): number => s.n - s.f;
