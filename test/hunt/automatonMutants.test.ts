// Guard mutants of a threshold automaton (`FILE.ta[T=1]:guard<label>-plus-1` / `-minus-1`): one per
// threshold of each rule's guard and direction, each resolving by name in the registry and on the
// command line (not taken for a run folder, though the name has a `/`), passing the protocol
// conformance checks, playing differently from the original — and strb's `t + 1` relay threshold
// lowered to `t` (Srikanth & Toueg's unforgeability argument needs t + 1) broken by an attacker.
import { describe, expect, it } from 'vitest';
import { checkProtocol } from '../../src/game/conformance.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { scoreAttacker } from '../../src/hunt/attackers.js';
import { groundTruth, hunt } from '../../src/hunt/hunt.js';
import { play } from '../../src/play/play.js';
import { getAdversary, getProtocol, isProtocolName } from '../../src/protocols/registry.js';
import { isRunName } from '../../src/cli/learned.js';
import type { AutomatonProtocol } from '../../src/protocols/thresholdAutomaton/protocol.js';
import { cgym } from '../cli/cgym.js';

const STRB = 'examples/bymc/strb.ta[T=1]';
const scenario = loadScenario('ba-n4-f1', ['timing=async']);

describe('guard mutants of strb.ta', () => {
  const original = getProtocol(STRB);
  const mutants = original.mutants?.() ?? [];

  it('one per guarded rule and direction, named by the rule label, describing the mutated guard', () => {
    expect(mutants.map((m) => m.mutation)).toEqual(['guard1-plus-1', 'guard1-minus-1', 'guard2-plus-1', 'guard2-minus-1', 'guard3-plus-1', 'guard3-minus-1', 'guard4-plus-1', 'guard4-minus-1']);
    expect(mutants[5]!.description).toBe('threshold −1 in rule 3 (loc0 -> locSE): when (nsnt >= THRESH1 - F - 1) instead of (nsnt >= THRESH1 - F)');
    for (const m of mutants) expect(m.protocol.name).toBe(`${STRB}:${m.mutation}`);
  });

  it('resolves each by name, declares no mutants of its own, and is no run folder', () => {
    for (const m of mutants) {
      expect(getProtocol(m.protocol.name)).toBe(m.protocol);
      expect(isProtocolName(m.protocol.name)).toBe(true);
      expect(isRunName(m.protocol.name, 'honest')).toBe(false);
      expect(m.protocol.mutants).toBeUndefined();
    }
    expect(() => getProtocol(`${STRB}:guard9-plus-1`)).toThrow(`unknown mutant "${STRB}:guard9-plus-1" of ${STRB} (known: guard1-plus-1, `);
  });

  it('each passes the protocol conformance checks', () => {
    for (const m of mutants) {
      const result = checkProtocol(m.protocol, scenario, { episodes: 32, batchSize: 16, soloEpisodes: 2 });
      expect(result.ok ? [] : result.failures, m.protocol.name).toEqual([]);
    }
  });

  // Rule 2 (loc1 -> locAC) never fires here: an agent with value 1 takes rule 0 (when true) in its
  // first round, before any message has arrived — so its guard's mutants are equivalent, and no attacker may break them.
  const equivalent = ['guard2-plus-1', 'guard2-minus-1'];

  it('each plays differently from the original against some adversary, but the mutants of a rule that never fires', () => {
    // The rules taken, episode by episode: an equivalent mutant may reach the same decisions by other steps.
    const outcome = (honest: string, adversary: string) => {
      const protocol = getProtocol(honest) as AutomatonProtocol;
      const steps: string[] = [];
      protocol.observe((b, i, rule) => steps.push(`${b}.${i}:${rule.label}`));
      try {
        play({ scenario, honest: protocol, adversary, episodes: 64, seed: 3, batchSize: 64 });
      } finally {
        protocol.observe(undefined);
      }
      return steps.join();
    };
    for (const m of mutants) {
      const differs = ['silent', 'equivocate', 'fuzz'].some((adversary) => outcome(m.protocol.name, adversary) !== outcome(STRB, adversary));
      expect(differs, `${m.protocol.name} ${differs ? 'differs from' : 'plays exactly like'} strb`).toBe(!equivalent.includes(m.mutation));
    }
  });

  it('guard3-minus-1 (relay on t messages, not t+1) breaks unforg against equivocate within 100 episodes; the original holds', () => {
    const score = (name: string) => scoreAttacker(scenario, getProtocol(name), getAdversary('equivocate'), 'fixed', 0, 100, (e) => `episode ${e}`);
    const broken = score(`${STRB}:guard3-minus-1`);
    expect(broken.detected).toBe(true);
    expect(broken.firstViolation!.violated).toEqual(['unforg']);
    expect(score(STRB).detected).toBe(false);
  });

  it('a hunt on strb scores the original and all 8 mutants by the file\'s safety specifications', async () => {
    const report = await hunt({ scenario, scenarioSource: 'ba-n4-f1', set: ['timing=async'], honest: STRB, episodes: 50, maxStates: 0 });
    expect(report.protocols.map((h) => h.protocol)).toEqual([STRB, ...mutants.map((m) => m.protocol.name)]);
    expect(report.protocols[0]!.attackers.every((a) => !a.detected)).toBe(true);
    expect(report.detection.find((d) => d.attacker === 'fuzz')!.brokenBeyondReach).toBeGreaterThanOrEqual(1);
  });
});

describe("the hunt's ground truth for a .ta file", () => {
  // honestActions=free and delay 1 (bench/bymcTable.ts's reading): small enough to search in full.
  const small = (rounds: number) => loadScenario('ba-n4-f1', ['timing=async', 'honestActions=free', 'maxDelay=1', `maxRounds=${rounds}`]);

  it("is the verifier's exact check of its safety specifications: the original safe, guard3-minus-1 unsafe on unforg", () => {
    // 2,198 states: the 32 chance outcomes searched as 4 orbits (8,792 without: verify/automatonSpecs.ts).
    expect(groundTruth(small(2), getProtocol(STRB), 20_000_000)).toMatchObject({ verdict: 'safe', detail: null, states: 2198 });
    const broken = groundTruth(small(3), getProtocol(`${STRB}:guard3-minus-1`), 20_000_000);
    expect(broken).toMatchObject({ verdict: 'unsafe', detail: 'unforg', worstCaseLossRate: null });
    expect(broken.counterexample!.violated).toEqual(['unforg']);
    expect(broken.counterexample!.trace).toContain('counterexample');
  });

  it('past the budget it is "beyond reach" with the reason, never a verdict', () => {
    const truth = groundTruth(small(3), getProtocol(STRB), 100_000);
    expect(truth.verdict).toBe('beyond reach');
    expect(truth.detail).toMatch(/^unforg: beyond the budget: /);
  });
});

describe('on the command line', () => {
  it('play takes a mutant name with a / as the mutant, and prints the file\'s specifications', () => {
    const run = cgym(['play', '--scenario', 'ba-n4-f1', '--set', 'timing=async', '--honest', `${STRB}:guard3-minus-1`, '--adversary', 'equivocate', '--episodes', '50']);
    expect(run.stderr).not.toMatch(/run folder/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/unforg\s+safety\s+violated/);
  });

  it('hunt takes --param for a .ta file', () => {
    const run = cgym(['hunt', '--scenario', 'ba-n4-f1', '--set', 'timing=async', '--honest', 'examples/bymc/strb.ta', '--param', 'T=1', '--episodes', '20', '--max-states', '0']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('hunt on examples/bymc/strb.ta[T=1] and 8 mutants');
  });
});
