import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseThresholdAutomaton, ThresholdAutomatonError } from '../../../src/protocols/thresholdAutomaton/parse.js';

const BYMC = fileURLToPath(new URL('../../../examples/bymc', import.meta.url));
const files = readdirSync(BYMC).filter((f) => f.endsWith('.ta')).sort();

/** A small automaton that uses every construct of ByMC's grammar; the broken snippets below edit it. */
const GOOD = `/* header comment */
thresholdAutomaton Proc {
  local pc;
  shared nsnt;
  parameters N, T, F;
  unknowns a;
  define THRESH == T + 1;
  define TWICE == 2 * THRESH;
  assumptions (0) {
    N > 3 * T;
    !(T < F) && T >= 1 || true;
  }
  locations (0) {
    loc0: [0];
    loc1: [1;];
    locAC: [2];
  }
  inits (0) {
    (loc0 + loc1) == N - F;
    (locAC == 0);
    nsnt == 0;
  }
  rules (0) {
  0: loc1 -> locAC when (1) do { nsnt' == nsnt + 1; };
  0: loc0 -> locAC when ((nsnt + a) * 2 >= TWICE - -F && (nsnt < N)) do { unchanged(nsnt); };
  }
  specifications (0) {
    unforg: (loc1 == 0) -> [](locAC == 0);
    live: <>[](nsnt < THRESH || loc0 == 0) -> !<>(locAC != 0) -> locAC == 0;
  }
}
`;

describe('parseThresholdAutomaton', () => {
  it.each(files)('parses %s from the ByMC suite', (file) => {
    const ta = parseThresholdAutomaton(readFileSync(join(BYMC, file), 'utf8'), file);
    expect(ta.locations.length).toBeGreaterThan(0);
    expect(ta.rules.length).toBeGreaterThan(0);
    expect(ta.specifications.length).toBeGreaterThan(0);
  });

  it('covers the whole grammar: optional header words, unknowns, defines, when (1), unchanged, precedence', () => {
    const ta = parseThresholdAutomaton(GOOD, 'good.ta');
    expect(ta.header).toBe('thresholdAutomaton');
    expect(ta.unknowns).toEqual(['a']);
    expect(ta.defines.map((d) => d.name)).toEqual(['THRESH', 'TWICE']);
    expect(ta.locations[1]).toMatchObject({ name: 'loc1', values: [1] });
    expect(ta.rules[0]!.guard.kind).toBe('true');
    expect(ta.rules[1]!.updates).toMatchObject([{ variable: 'nsnt', expr: { kind: 'var', name: 'nsnt' } }]);
    // `||` binds looser than `&&`, and `!` tighter.
    expect(ta.assumptions[1]).toMatchObject({ kind: 'or', left: { kind: 'and', left: { kind: 'not' } }, right: { kind: 'true' } });
    // `->` is left-associative in ByMC: (a -> b) -> c.
    expect(ta.specifications[1]!.formula).toMatchObject({ kind: 'implies', left: { kind: 'implies', left: { kind: 'eventually' } } });
    // `(loc0 + loc1) == N - F` is a comparison whose left side is parenthesised.
    expect(ta.inits[0]).toMatchObject({ op: '==', left: { kind: 'add' } });
    for (const header of ['skel', 'threshAuto', ''])
      expect(parseThresholdAutomaton(GOOD.replace('thresholdAutomaton Proc', `${header} Proc`)).header).toBe(header === '' ? null : header);
  });

  // Each edit breaks GOOD at a known line; the error is one line naming that line.
  const broken: [string, string | RegExp, string, number, RegExp][] = [
    ['a missing semicolon after a declaration', '  shared nsnt;', '  shared nsnt', 4, /expected ';', found 'parameters'/],
    ['a single = for equality', 'define THRESH == T + 1;', 'define THRESH = T + 1;', 7, /found '=' \(equality is ==\)/],
    ['a macro written as a name', 'define THRESH ==', 'define thresh ==', 7, /expected a macro name/],
    ['an undefined macro', 'TWICE - -F', 'TWICE3 - -F', 25, /expected a macro defined above.*TWICE3/],
    ['a guard without its closing parenthesis', '(nsnt < N)) do', '(nsnt < N) do', 25, /expected '\)', found 'do'/],
    ['when with a constant other than 1', 'when (1) do', 'when (2) do', 24, /expected when \(1\)/],
    ['a rule to an unknown location', 'loc1 -> locAC when (1)', 'loc1 -> locXX when (1)', 24, /expected a location as rule 0's target, found 'locXX'/],
    ['a location with two values for one local', 'locAC: [2];', 'locAC: [2; 3];', 16, /expected 1 value\(s\) for location locAC/],
    ['a location counter in a guard', '(nsnt < N)) do', '(loc0 < N)) do', 25, /expected a shared variable, parameter or unknown in a guard, found location 'loc0'/],
    ['an update of a parameter', "nsnt' == nsnt + 1", "N' == nsnt + 1", 24, /left of an update, found parameter 'N'/],
    ['a primed variable in a guard', '(nsnt < N)) do', "(nsnt' < N)) do", 25, /expected an unprimed name/],
    ['an undeclared variable in a specification', 'unforg: (loc1 == 0)', 'unforg: (loc9 == 0)', 28, /found undeclared name 'loc9'/],
    ['a missing comparison', '    nsnt == 0;', '    nsnt;', 21, /expected a comparison/],
    ['sections out of order', '  inits (0) {', '  rules (0) {', 18, /expected 'inits', found 'rules'/],
    ['an unterminated comment', '/* header comment */', '/* header comment', 1, /expected \*\/ to close the comment/],
    ['a repeated declaration', 'parameters N, T, F;', 'parameters N, T, N;', 5, /'N', declared twice/],
    ['text after the closing brace', /}\n$/, '}\nextra\n', 32, /expected the end of the file, found name 'extra'/],
    ['a missing closing brace', /}\n$/, '', 31, /expected '}', found the end of the file/],
  ];
  it.each(broken)('reports %s on its line', (_what, from, to, line, message) => {
    expect(typeof from === 'string' ? GOOD.includes(from) : from.test(GOOD)).toBe(true);
    const text = GOOD.replace(from, to);
    let error: unknown;
    try {
      parseThresholdAutomaton(text, 'broken.ta');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ThresholdAutomatonError);
    const msg = (error as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(new RegExp(`^broken\\.ta:${line}:\\d+: `));
    expect(msg).toMatch(message);
  });
});
