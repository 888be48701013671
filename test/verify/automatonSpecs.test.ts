// `verify` on a threshold automaton's own specifications: safety exactly over every run within the
// horizon (src/verify/automatonSpecs.ts). The ByMC suite publishes strb's unforgeability as holding
// for all N > 3T ≥ 3F (Konnov & Widder, ByMC, ISoLA 2018; examples/bymc/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/game/scenario.js';
import { createScriptedAdversary } from '../../src/protocols/adversaries/scripted.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { parseThresholdAutomaton } from '../../src/protocols/thresholdAutomaton/parse.js';
import { fromAutomaton, type AutomatonProtocol } from '../../src/protocols/thresholdAutomaton/protocol.js';
import { checkSpecifications } from '../../src/protocols/thresholdAutomaton/specs.js';
import { ReplayChance } from '../../src/verify/_internals/chance.js';
import { verifyAutomatonSpecs } from '../../src/verify/automatonSpecs.js';
import { BYMC, ta } from '../protocols/thresholdAutomaton/smallest.js';

const byzantine = (maxRounds: number, timing: 'async' | 'sync' = 'async') => parseScenario({ name: 'ta', n: 4, f: 1, faults: 'byzantine', timing, maxDelay: 1, maxRounds, honestActions: 'free' });
const strbText = readFileSync(`${BYMC}/strb.ta`, 'utf8');
const automaton = (text: string, name: string) => fromAutomaton(parseThresholdAutomaton(text, `${name}.ta`), name, { T: 1 });

describe('verify: a threshold automaton\'s own specifications', () => {
  it('strb at N=4, T=F=1 (R=3, sync: the async runs without delays): unforg, corr and relay hold over every run', () => {
    const result = verifyAutomatonSpecs({ scenario: byzantine(3, 'sync'), protocol: getProtocol(ta('strb', 'T=1')) as AutomatonProtocol });
    expect(result.specs).toEqual({ unforg: { kind: 'safety', holds: true }, corr: { kind: 'liveness', holds: true }, relay: { kind: 'liveness', holds: true } });
    expect(result.chanceOutcomes).toBe(32);
    expect(result.distinctStates).toBeGreaterThan(1000);
  });

  it('a mutant (strb with its relay threshold T + 1 lowered to T) breaks unforg, and the counterexample replays in the engine', () => {
    const scenario = byzantine(3);
    const mutant = automaton(strbText.replace('define THRESH1 == T + 1;', 'define THRESH1 == T;'), 'strb-relay-low');
    const result = verifyAutomatonSpecs({ scenario, protocol: mutant, only: ['unforg'] });
    const unforg = result.specs.unforg!;
    expect(unforg).toMatchObject({ kind: 'safety', holds: false });
    const cx = unforg.counterexample!;
    // No correct process starts with 1 (loc1), else unforg's premise is false.
    expect(cx.setup.inputs.filter((_, i) => !cx.setup.faulty.includes(i))).toEqual([0, 0, 0]);
    // Replayed by play's own specification reader with the scripted adversary: violated; the original file on the same run: not.
    const replay = (protocol: AutomatonProtocol) =>
      checkSpecifications({
        scenario, protocol, adversary: createScriptedAdversary(cx.script), episodes: 1, batchSize: 1,
        prepare: (game) => {
          game.setup(0, cx.setup);
          if (cx.chance) game.chanceSource = new ReplayChance(cx.chance);
        },
      }).unforg!.holds;
    expect(replay(mutant)).toBe(false);
    expect(replay(automaton(strbText, 'strb'))).toBe(true);
    expect(cx.trace).toContain('counterexample');
  });

  it('liveness within the horizon: strb whose accepting threshold N − T is raised past N never accepts, and corr is violated on a fair run', () => {
    const scenario = byzantine(2, 'sync');
    const mutant = automaton(strbText.replace('define THRESH2 == N - T;', 'define THRESH2 == N - T + 2;'), 'strb-accept-high');
    const corr = verifyAutomatonSpecs({ scenario, protocol: mutant, only: ['corr'] }).specs.corr!;
    expect(corr).toMatchObject({ kind: 'liveness', holds: false });
    const cx = corr.counterexample!;
    const replayed = checkSpecifications({ scenario, protocol: mutant, adversary: createScriptedAdversary(cx.script), episodes: 1, batchSize: 1, prepare: (game) => game.setup(0, cx.setup) });
    expect(replayed.corr!.holds).toBe(false);
    // The original keeps its promise on every run of the same horizon.
    expect(verifyAutomatonSpecs({ scenario, protocol: automaton(strbText, 'strb'), only: ['corr'] }).specs.corr).toEqual({ kind: 'liveness', holds: true });
  });

  it("enumerates the automaton's own choices: a second rule enabled beside the first is taken on some run (the coin), and the run replays with its coins", () => {
    // loc1 may also jump to locAC without sending (rule 8, after rule 0 in the file): only that
    // second choice reaches locAC with nsnt = 0.
    const text = strbText
      .replace('  5: loc0 -> loc0', "  8: loc1 -> locAC when (true) do { nsnt' == nsnt; };\n  5: loc0 -> loc0")
      .replace(/unforg:[^;]*;/, '$&\n    never_silent_accept: [](locAC == 0 || nsnt > 0);');
    const scenario = byzantine(2, 'sync');
    const protocol = automaton(text, 'strb-choice');
    const spec = verifyAutomatonSpecs({ scenario, protocol, only: ['never_silent_accept'] }).specs.never_silent_accept!;
    expect(spec).toMatchObject({ kind: 'safety', holds: false });
    const cx = spec.counterexample!;
    expect(cx.chance).toContain(1);
    const replay = (chance: readonly number[]) =>
      checkSpecifications({ scenario, protocol, adversary: createScriptedAdversary(cx.script), episodes: 1, batchSize: 1, prepare: (game) => {
        game.setup(0, cx.setup);
        game.chanceSource = new ReplayChance(chance);
      } }).never_silent_accept!.holds;
    expect(replay(cx.chance!)).toBe(false);
    expect(replay(cx.chance!.map(() => 0))).toBe(true);
  });

  it('refuses a safety shape it cannot check exactly, in one line naming the specification', () => {
    const text = strbText.replace(/unforg:[^;]*;/, 'unforg: (loc1 == 0) -> [](locAC == 0);\n    odd: [](locAC == 0) || [](loc1 == 0);');
    const result = verifyAutomatonSpecs({ scenario: byzantine(2), protocol: automaton(text, 'strb-odd'), only: ['unforg', 'odd'] });
    expect(result.specs.odd).toMatchObject({ kind: 'safety', holds: null });
    expect(result.specs.odd!.reason).toMatch(/^strb-odd\.ta: specification odd: verify checks exactly the shapes .*; this one is not checked$/);
    expect(result.specs.odd!.reason).not.toContain('\n');
    expect(result.specs.unforg).toEqual({ kind: 'safety', holds: true });
  });

  it('enumerates the automaton\'s own choices: nbacr (a failure detector that may suspect) keeps its four specifications at N=2 with a crash', () => {
    // nontriv promises a commit only on runs where nobody suspects, [](locSEFD == 0 && locCR == 0):
    // the suspecting branch (an automaton choice) aborts, and must be excused by that premise.
    const scenario = parseScenario({ name: 'ta', n: 2, f: 1, faults: 'crash', timing: 'async', maxDelay: 1, maxRounds: 4, honestActions: 'free' });
    const result = verifyAutomatonSpecs({ scenario, protocol: getProtocol(ta('nbacr')) as AutomatonProtocol });
    expect(result.specs).toEqual({ validity: { kind: 'safety', holds: true }, nontriv: { kind: 'liveness', holds: true }, termination1: { kind: 'liveness', holds: true }, termination2: { kind: 'liveness', holds: true } });
  });
});
