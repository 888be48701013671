/**
 * Validates a config read at the edge (a command line, a --config file, a run folder's
 * config.json) with its zod schema; what breaks a rule is one line naming the key, the value and
 * the rule, and an unknown key is named with the keys known where it stands. Shared by the train
 * and attack configs and every command's options.
 */
import type { z } from 'zod';
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
