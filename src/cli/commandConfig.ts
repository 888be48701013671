/**
 * Every command's options as one validated, versioned object: the command's zod schema holds each
 * option's rule and default, and the same schema reads the command line and a `--config FILE.json`
 * (flags laid over the file), so a saved config is read back by the rules it was written under.
 *
 * Commander only parses each flag's type and keeps its help text: it sets no defaults, so a flag
 * not given is absent and the file's value (or the schema's default) stands.
 *
 * Messages are one line naming the key, the value and the rule: `play: episodes=0: must be at least 1`,
 * `play: unknown key colour (known: version, scenario, …)`.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { MAX_TEXT_FILE_BYTES, readTextFileCapped } from '../game/readTextFileCapped.js';
import { parseConfig } from '../game/parseConfig.js';

/** The `--config` option every command takes. */
export function addConfigOption(command: Command): Command {
  return command.option('--config <file.json>', 'the options as one JSON object (keys as the flags, camelCase; flags given too override it)');
}

/** `help` with the schema's default for `key` appended: one place states each default. */
export function withDefault(help: string, schema: z.ZodObject, key: string): string {
  const field = schema.shape[key] as z.ZodType | undefined;
  const parsed = field?.safeParse(undefined);
  if (!parsed?.success || parsed.data === null || parsed.data === undefined) throw new Error(`withDefault: ${key} has no default in the schema`);
  const value = parsed.data;
  const shown = typeof value === 'number' ? value.toLocaleString('en-US') : Array.isArray(value) ? value.join(',') : String(value);
  return `${help} (default: ${shown})`;
}

/** A --config file: one JSON object, read with the scenario files' size cap. */
export function readConfigFile(file: string, source: string): Record<string, unknown> {
  if (!existsSync(file)) throw new RangeError(`${source}: --config ${file}: no such file`);
  const text = readTextFileCapped(file, MAX_TEXT_FILE_BYTES, `${source}: --config`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`${source}: --config ${file}: malformed JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RangeError(`${source}: --config ${file}: must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Keys that would reach an object's prototype rather than set a property. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `base` with `over`'s keys laid on top, objects merged key by key (how a recipe, a --config file and flags combine). */
export function mergeConfigInput(base: Record<string, unknown>, over: Record<string, unknown>, source = 'config'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(base), ...Object.entries(over)]) {
    if (value === undefined) continue;
    if (FORBIDDEN_KEYS.has(key)) throw new RangeError(`${source}: config key ${key} is not allowed`);
    const before = out[key];
    // An object is copied key by key even with nothing under it, so a nested forbidden key is refused too.
    out[key] = isObject(value) ? mergeConfigInput(isObject(before) ? before : {}, value, source) : value;
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** The flags the user gave (commander's options without the unset ones and without --config itself). */
export function givenFlags(flags: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([key, value]) => key !== 'config' && value !== undefined));
}

/**
 * The command's config: its --config file (if given), the flags given laid over it, validated by
 * `schema`. A required key neither flag nor file gives is named as commander would name the flag.
 */
export function commandConfig<S extends z.ZodObject>(source: string, schema: S, command: Command, given: Record<string, unknown>): z.output<S> {
  const file = (command.opts() as { config?: string }).config;
  const input = mergeConfigInput(file === undefined ? {} : readConfigFile(file, source), given, source);
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (input[key] !== undefined || field.safeParse(undefined).success) continue;
    const option = command.options.find((o) => o.attributeName() === key);
    if (option) throw new RangeError(`${source}: required option '${option.flags}' not specified (nor ${key} in a --config file); every option: \`cgym ${source} --help\``);
  }
  return parseConfig(schema, input, source);
}
