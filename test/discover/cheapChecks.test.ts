// `discover` with the real verifier: a check whose cheap attacks already show the policy no better
// than the best verified so far stops there (verify's `falsify.enough`): it is not a verification
// (its metrics line records none), the report counts it, and the best stays the best proven one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/discover.js';
import { readMetrics } from '../../src/train/runFolder.js';

describe('discover: cheap checks before the proofs', () => {
  it('bb-pki-n3-f1: every check is a proof or stopped at cheap attacks; the stopped ones record no loss and leave the best alone', async () => {
    const run = join(mkdtempSync(join(tmpdir(), 'cgym-cheap-')), 'run');
    const report = await discover({ scenario: 'bb-pki-n3-f1', seed: 0, epochs: 60, run, episodes: 200, checkLarger: false });
    const checks = readMetrics(run).filter((m) => m.epoch % 5 === 0);
    const verified = checks.filter((m) => m.verifiedWorstCaseLoss !== null);
    expect(report.stoppedBecause).toBe('verified safe');
    expect(report.refutedCheaply).toBeGreaterThan(0);
    expect(report.verifications + report.refutedCheaply).toBe(checks.length);
    expect(report.verifications).toBe(verified.length);
    // Each proof is a new best (a check no better than the best stops before its proof), down to 0.
    const losses = verified.map((m) => m.verifiedWorstCaseLoss!);
    for (let k = 1; k < losses.length; k++) expect(losses[k]).toBeLessThan(losses[k - 1]!);
    expect(losses.at(-1)).toBe(0);
    expect(report.bestEpoch).toBe(verified.at(-1)!.epoch);
  });
});
