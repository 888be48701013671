// A search the budget cannot finish is refused after a few sampled chance outcomes, in one line,
// instead of after minutes of enumeration; one the budget can finish is never refused by it.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { HeapGuard } from '../../src/verify/_internals/heapGuard.js';
import { StateLimitError, verify } from '../../src/verify/verify.js';

describe('the projected-states budget', () => {
  // Without symmetry (under it EIG at n=5 needs 1.5 M states: test/verify/symmetry.test.ts).
  it('refuses EIG at n=5 (80 chance outcomes, past 20 M states) before solving the outcomes in order', () => {
    const solved: number[] = [];
    const started = performance.now();
    const attempt = () => verify({ scenario: loadScenario('ba-n4-f1', ['n=5']), honest: 'eig', maxStates: 2_000_000, symmetry: false, onProgress: (done) => solved.push(done) });
    expect(attempt).toThrow(StateLimitError);
    expect(attempt).toThrow(/^verify: eig on ba-n4-f1 would explore at least ~\S+ states \(3 of 80 chance outcomes solved first, 3 cut off at 100000 states\), more than --max-states=2000000/);
    expect(solved).toEqual([]);
    expect((performance.now() - started) / 1000).toBeLessThan(20);
  });

  it('lets a search through whose budget is exactly enough', () => {
    const scenario = loadScenario('ba-n4-f1');
    // EIG at n=4 costs the same in every chance outcome: 1,918,080 states over 32 of them.
    expect(verify({ scenario, honest: 'eig', maxStates: 1_918_080, symmetry: false })).toMatchObject({ verdict: 'safe', states: 1_918_080 });
    expect(() => verify({ scenario, honest: 'eig', maxStates: 900_000, symmetry: false })).toThrow(/would explore ~1\.9e\+6 states \(3 of 32 chance outcomes solved first\)/);
  });
});

describe('budgets that guard memory', () => {
  it("refuses a node whose joint adversary choices alone are past the budget, before allocating them (strb async: it used to fill the heap and crash)", () => {
    const scenario = loadScenario('ba-n4-f1', ['timing=async']);
    expect(() => verify({ scenario, honest: 'examples/bymc/strb.ta[T=1]', maxStates: 2_000_000 })).toThrow(
      /^verify: more than --max-states=2000000 states explored \(ba-n4-f1, examples\/bymc\/strb\.ta\[T=1\]\): round 1 alone offers the adversary \S+ joint choices over its recipients/,
    );
  });

  it('the heap guard names the memory once the heap is past its limit, and looks only every few thousand states', () => {
    expect(new HeapGuard(Number.MAX_SAFE_INTEGER).check(1e9)).toBeUndefined();
    const full = new HeapGuard(1);
    expect(full.check(10)).toBeUndefined(); // not looked at yet
    expect(full.check(1 << 14)).toMatch(/^the search's memory filled \d+ MiB of the 0 MiB it may use after 16384 states \(node --max-old-space-size=MiB raises it\)$/);
  });
});
