/**
 * Parsers for command-line option values. Each rejects bad input with commander's
 * InvalidArgumentError, whose message becomes the one line the user sees.
 */
import { InvalidArgumentError } from 'commander';

const INTEGER = /^[0-9]+(e[0-9]+)?$/i;

/** An integer in [min, max]; plain digits or `1e5`. */
export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw: string) => {
    const value = INTEGER.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`must be an integer in ${min}..${max}.`);
    return value;
  };
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * One of `values`. The help lists them in the option's text, before its `(default: X)`: commander's
 * own `.choices()` would print them after it, and every default is written last.
 */
export function oneOfArgs<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw: string) => {
    if (!values.includes(raw as T)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
    return raw as T;
  };
}
