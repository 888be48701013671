// A panel with a target shows the range its curves span, not 0–100%: a 93.6% plateau under a 95%
// target must be visibly under it.
import { describe, expect, it } from 'vitest';
import { rateDomain, type CurvePoint } from '../../src/report/curves.js';

const point = (value: number, lower?: number, upper?: number): CurvePoint => ({ series: 's', metric: 'evalMajorityCorrectRate', epoch: 1, value, runs: 3, ...(lower !== undefined && { lower, upper }) });
const target = { value: 0.95, direction: 'atLeast' as const };

describe('rateDomain', () => {
  it('cuts to the 5% steps around the curves, their bands, the final marks and the target', () => {
    expect(rateDomain('evalMajorityCorrectRate', target, [point(0.83), point(0.936, 0.93, 0.942), point(0.957)], [point(0.953)])).toEqual([0.8, 1]);
    expect(rateDomain('evalMajorityCorrectRate', { value: 0.49, direction: 'atLeast' }, [point(0.31), point(0.501, 0.49, 0.51)], [])).toEqual([0.3, 0.55]);
  });

  it('reaches 0 and 100% when the curves do, and is never narrower than 10%', () => {
    expect(rateDomain('evalMajorityCorrectRate', target, [point(0), point(1)], [])).toEqual([0, 1]);
    expect(rateDomain('evalMajorityCorrectRate', target, [point(0.96), point(0.97)], [])).toEqual([0.9, 1]);
    expect(rateDomain('evalMajorityCorrectRate', { value: 0, direction: 'atMost' }, [point(0), point(0.02)], [])).toEqual([0, 0.1]);
  });

  it('reads only its own metric', () => {
    const other: CurvePoint = { ...point(0.1), metric: 'winRate' };
    expect(rateDomain('evalMajorityCorrectRate', target, [other, point(0.96)], [])).toEqual([0.9, 1]);
  });
});
