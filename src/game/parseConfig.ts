/**
 * Validates a config read at the edge (a command line, a --config file, a run folder's
 * config.json) with its zod schema; what breaks a rule is one line naming the key, the value and
 * the rule, and an unknown key is named with the keys known where it stands. Shared by the train
 * and attack configs and every command's options, with the rules their schemas share.
 */
import { z } from 'zod';
import { describeIssues, schemaKeys } from './scenario.js';

/**
 * The complete config (every default filled in), or a RangeError `source: key=value: rule; …`.
 * @example parseConfig(PlayConfigSchema, { honest: 'majority', episodes: 0 }, 'play') // throws `play: episodes=0: must be at least 1`
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RangeError(`${source}: ${describeIssues(input, result.error.issues, schemaKeys(schema), '(config)')}`);
}

/** The version of the command config formats (train's is TRAIN_CONFIG_VERSION): a newer one is refused. */
export const COMMAND_CONFIG_VERSION = 1;

// ---- rules shared by the command schemas (each message completes `key=value: …`)

export const version = (current = COMMAND_CONFIG_VERSION) =>
  z.literal(current, { error: `must be ${current} (this version of consensus-gym)` }).default(current);
export const integer = (min: number, max: number) =>
  z.number({ error: 'must be an integer' }).int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
export const rate = () => z.number({ error: 'must be a number in 0..1' }).min(0, 'must be in 0..1').max(1, 'must be in 0..1');
export const flag = () => z.boolean({ error: 'must be true or false' }).default(false);
export const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, `must be ${what}`);
export const oneOf = <T extends string>(values: readonly T[]) =>
  z.enum(values as unknown as [T, ...T[]], { error: `must be one of ${values.join(', ')}` });
/** A preset name, a scenario file, or a whole scenario object (a JSON config may hold one). */
export const scenarioSource = () =>
  z.union([z.string().min(1, 'must name a preset or a file'), z.record(z.string(), z.unknown())], { error: 'must be a preset name, a file or a scenario object' });
/** `--set key=value` overrides of the scenario. */
export const overrides = () => z.array(z.string({ error: 'must be key=value' }), { error: 'must be a list of key=value overrides' }).default([]);
