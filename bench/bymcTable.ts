/**
 * The ByMC table: every file of examples/bymc at its smallest (N, T, F) inside its assumptions
 * (src/protocols/thresholdAutomaton/smallest.ts), its own safety specifications checked by `verify`
 * (src/verify/automatonSpecs.ts: every run of at most R rounds, every adversary, every chance
 * outcome), next to the published verdict. A file whose safety specifications all hold vacuously at
 * F = 1 (their premise is `F == 0`) gets a second row at F = 0.
 *
 *   npm run build && node dist/bench/bymcTable.js [--rounds R] [--max-delay D] [--max-states M] [--only strb,aba]
 *
 * Prints the Markdown table and writes bench/bymc-table.md and bench/bymc-table.json. Defaults:
 * R = 4, D = 1, M = 10,000,000 engine states per search. Horizons 1, 2, … are searched in turn until
 * one is past the budget; the row is the longest one searched in full (a violation found before the
 * budget ran out is still reported, with its replayable run).
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/game/scenario.js';
import { getProtocol } from '../src/protocols/registry.js';
import type { AutomatonProtocol } from '../src/protocols/thresholdAutomaton/protocol.js';
import { SMALLEST, type SmallestSize } from '../src/protocols/thresholdAutomaton/smallest.js';
import { specKind, type SpecKind } from '../src/protocols/thresholdAutomaton/specs.js';
import { verifyAutomatonSpecs, type AutomatonSpecsResult, type SpecVerdict } from '../src/verify/automatonSpecs.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Published verdicts (examples/bymc/README.md: ByMC, Konnov & Widder ISoLA 2018; TACO, CAV 2026): parameterized, for all sizes inside the assumptions. */
const PUBLISHED: Record<string, string> = {
  strb: 'safe', aba: 'safe', bosco: 'safe', bcrb: 'safe', c1cs: 'safe', cf1s: 'safe', frb: 'safe', nbacg: 'safe', nbacr: 'safe', cc: 'safe',
  'ben-or': 'safe',
  'n-rabc': 'none listed',
};

interface Row {
  file: string;
  size: string;
  /** The horizon of `specs`: the longest checked within the budget (or the first one tried). */
  rounds: number;
  /** The first horizon past the budget, if any (what it found is in `specs` when it broke something). */
  beyond: number | undefined;
  specs: string;
  verdict: string;
  published: string;
  states: number;
  /** Seconds of the horizons 1..`rounds` (what the row's verdict cost). */
  seconds: number;
  /** Seconds spent on the horizon past the budget (`beyond`) before it gave up; 0 without one. */
  secondsPast: number;
  result: AutomatonSpecsResult;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`bymcTable: ${name} must be a number ≥ 0 (got ${process.argv[at + 1]})`);
  return value;
}

/** One search: the file's specifications of one kind (safety, or liveness) over every run of at most `rounds` rounds. */
function check([file, n, f, faults, params]: SmallestSize, kind: SpecKind, rounds: number, maxDelay: number, maxStates: number): Row | undefined {
  const scenario = parseScenario({ name: `${file}-smallest`, n, f, faults, timing: 'async', maxDelay, maxRounds: rounds, honestActions: 'free' });
  const protocol = getProtocol(`${ROOT}/examples/bymc/${file}.ta${params ? `[${params}]` : ''}`, scenario) as AutomatonProtocol;
  const names = protocol.automaton.specifications.filter((spec) => specKind(spec.formula) === kind).map((spec) => spec.name);
  if (names.length === 0) return undefined;
  const result = verifyAutomatonSpecs({ scenario, protocol, maxStates, only: names });
  const specs = Object.entries(result.specs);
  const cell = ([name, s]: [string, SpecVerdict]): string =>
    s.holds === true ? `${name} ${s.vacuous ? 'holds (premise false: vacuous)' : 'holds'}` : s.holds === false ? `**${name} violated** (round ${s.counterexample!.round})` : s.reason?.startsWith('beyond the budget') ? `${name} beyond budget` : `${name} not checked (shape)`;
  const verdict = specs.some(([, s]) => s.holds === false) ? (kind === 'safety' ? 'unsafe' : 'violated') : specs.every(([, s]) => s.holds === true) ? (specs.every(([, s]) => s.vacuous) ? 'vacuous' : kind === 'safety' ? 'safe' : 'met') : 'beyond budget';
  const parameters = params ? params.replace(/,/g, ', ') : '—';
  return { file, size: `${n} / ${parameters} / ${f}`, rounds, beyond: undefined, specs: specs.map(cell).join(', '), verdict, published: PUBLISHED[file] ?? '—', states: result.states, seconds: result.seconds, secondsPast: 0, result };
}

/**
 * Horizons 1, 2, … up to `maxRounds`, each searched afresh, until one is past the budget: the row
 * of the longest completed, unless the one past the budget already found a violation (a real run).
 */
function deepest(size: SmallestSize, kind: SpecKind, maxRounds: number, maxDelay: number, maxStates: number): Row | undefined {
  let best: Row | undefined;
  let seconds = 0;
  for (let rounds = 1; rounds <= maxRounds; rounds++) {
    const row = check(size, kind, rounds, maxDelay, maxStates);
    if (!row) return undefined;
    process.stderr.write(`  ${size[0]} f=${size[2]} ${kind} R=${rounds}: ${row.verdict} (${row.states} states, ${row.seconds.toFixed(1)} s)\n`);
    const complete = row.result.beyondBudget === undefined;
    if (complete || row.verdict === 'unsafe' || !best) {
      // A violation found before the budget ran out is a verdict too; so is the first horizon, whatever it found.
      seconds += row.seconds;
      best = { ...row, seconds };
      // A horizon searched in full goes on to the next, unless it already broke a safety specification.
      if (complete && row.verdict !== 'unsafe') continue;
      if (complete) break;
      best = { ...best, beyond: rounds };
      break;
    }
    best = { ...best, beyond: rounds, secondsPast: row.seconds };
    break;
  }
  return best!;
}

const past = (r: Row): string => (r.beyond !== undefined && r.secondsPast > 0 ? r.secondsPast.toFixed(1) : '—');
const horizon = (r: Row): string => `${r.rounds}${r.beyond !== undefined ? ` (${r.beyond})` : ''}`;

function main(): void {
  const rounds = option('--rounds', 4);
  const maxDelay = option('--max-delay', 1);
  const maxStates = option('--max-states', 10_000_000);
  const at = process.argv.indexOf('--only');
  const only = at >= 0 ? new Set(process.argv[at + 1]!.split(',')) : undefined;
  const rows: Array<{ safety: Row; liveness: Row | undefined }> = [];
  const both = (size: SmallestSize) => ({ safety: deepest(size, 'safety', rounds, maxDelay, maxStates)!, liveness: deepest(size, 'liveness', rounds, maxDelay, maxStates) });
  for (const size of SMALLEST) {
    if (only && !only.has(size[0])) continue;
    const row = both(size);
    rows.push(row);
    // Every safety specification's premise is `F == 0`: the smallest size where they say something has no fault.
    if (row.safety.verdict === 'vacuous') {
      const [file, n, , faults, params] = size;
      rows.push(both([file, n, 0, faults, params.replace(/\bF=1\b/, 'F=0')]));
    }
  }
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: the table says so
  }
  const date = new Date().toISOString().slice(0, 10);
  const header = `Each file's specifications checked by \`verify\` over every run of at most R rounds (async, maxDelay ${maxDelay}), every adversary and chance outcome (liveness: met within the horizon on every fair run), for R = 1, 2, … up to ${rounds} until a horizon is past the budget of ${maxStates.toLocaleString('en')} engine states: safety and liveness searched apart; each gives the longest horizon searched in full (and the first one past the budget), states of that horizon's search, seconds of the horizons up to it (what the verdict cost) and, apart, of the horizon that ran past the budget; ${date}, commit ${commit}.\n\n`;
  const table = [
    '| file | N / params / F | R (past budget) | safety specifications | verdict | published verdict | states | s | s past budget | R (past budget) | liveness specifications | states | s | s past budget |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ safety: r, liveness: l }) => `| ${r.file} | ${r.size} | ${horizon(r)} | ${r.specs} | ${r.verdict} | ${r.published} | ${r.states.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${past(r)} | ${l ? `${horizon(l)} | ${l.specs} | ${l.states.toLocaleString('en')} | ${l.seconds.toFixed(1)} | ${past(l)}` : '— | none | | | '} |`),
  ].join('\n');
  const note = '\n\nPublished tool times (ByMC, TACO) for these files: not found offline (the suite\'s README and the TACO paper\'s pages available here list none; TACO: Eichler et al., arXiv 2605.06118, 2026). They would not be like for like: ByMC and TACO prove a file for every N at once (parameterized), this table searches one size within a horizon.\n';
  const markdown = header + table + note;
  process.stdout.write(markdown);
  const here = resolve(ROOT, 'bench');
  writeFileSync(resolve(here, 'bymc-table.md'), markdown);
  writeFileSync(resolve(here, 'bymc-table.json'), JSON.stringify({ date, commit, rounds, maxDelay, maxStates, rows: rows.map((pair) => Object.fromEntries(Object.entries(pair).map(([kind, row]) => [kind, row && (({ result, ...rest }) => ({ ...rest, specs: result.specs, beyondBudget: result.beyondBudget ?? null }))(row)]))) }, null, 2) + '\n');
}

main();
