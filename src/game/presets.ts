/**
 * Named scenarios: the seed paper's five experiments (GAME.md §9) and classic textbook settings.
 * Each is plain data validated by the same schema as a user's JSON file.
 */
import type { ScenarioInput } from './scenario.js';

const PAPER_REWARDS = { consistencyViolation: -1, validityViolation: -2, majorityViolation: -1, correctCommit: 1, roundPenalty: -0.03 };
const SLUSH_REWARDS = { consistencyViolation: -4, validityViolation: -4, majorityViolation: -10, correctCommit: 1, roundPenalty: -0.03 };

const slushPresets: Record<string, ScenarioInput> = {};
for (let n = 5; n <= 10; n++) {
  slushPresets[`slush-n${n}`] = {
    description: `Avalanche-style sampling at n=${n}, no faults, uniform inputs: Slush and Snowflake targets`,
    n, f: 0, honestActions: 'sampling', sampleSize: 3, maxRounds: 16,
  };
}

export const PRESETS: Readonly<Record<string, ScenarioInput>> = {
  'honest-consensus': {
    description: 'Paper §9: n=3 honest agents must agree; the majority protocol (send, then commit majority) is optimal',
    n: 3, f: 0, honestActions: 'paper', maxRounds: 4, rewards: PAPER_REWARDS,
  },
  'byzantine-breaking': {
    description: 'Paper §9: n=3 with one Byzantine agent against the majority protocol; the best attack wins 50%',
    n: 3, f: 1, honestActions: 'paper', maxRounds: 2, rewards: PAPER_REWARDS,
  },
  'slush-4v1': {
    description: 'Paper §9: Slush sampling at n=5, inputs split 4 vs 1; commit the majority',
    n: 5, f: 0, honestActions: 'slush', sampleSize: 3, inputs: { split: [4, 1] }, maxRounds: 10, rewards: SLUSH_REWARDS,
  },
  'slush-3v2': {
    description: 'Paper §9: Slush sampling at n=5, inputs split 3 vs 2 (the paper failed here)',
    n: 5, f: 0, honestActions: 'slush', sampleSize: 3, inputs: { split: [3, 2] }, maxRounds: 10, rewards: SLUSH_REWARDS,
  },
  pki: {
    description: 'Paper §9: n=4, f=1 agreement with signatures and relays (the paper failed here)',
    n: 4, f: 1, identity: 'pki', honestActions: 'relay', maxRounds: 3,
  },
  'ba-n4-f1': {
    description: 'Byzantine agreement at n=4, f=1 with relays: OM(1)/EIG is correct (n > 3f)',
    n: 4, f: 1, honestActions: 'relay', maxRounds: 3,
  },
  'ba-n3-f1': {
    description: 'Byzantine agreement at n=3, f=1 without signatures: impossible (n ≤ 3f)',
    n: 3, f: 1, honestActions: 'relay', maxRounds: 3,
  },
  'ba-n7-f2': {
    description: 'Byzantine agreement at n=7, f=2 with relay chains of 3 signatures: OM(2)/EIG is correct (n > 3f)',
    n: 7, f: 2, honestActions: 'relay', maxRounds: 4,
  },
  'ic-n4-f1': {
    description: 'Interactive consistency at n=4, f=1 with relays: EIG is correct',
    n: 4, f: 1, problem: 'interactive-consistency', honestActions: 'relay', maxRounds: 3,
  },
  'bb-pki-n3-f1': {
    description: 'Byzantine broadcast with PKI at n=3, f=1: Dolev–Strong is correct for any f < n',
    n: 3, f: 1, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 3,
  },
  'bb-pki-n4-f2': {
    description: 'Byzantine broadcast with PKI at n=4, f=2: Dolev–Strong (3 rounds of signature chains) is correct for any f < n',
    n: 4, f: 2, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 4,
  },
  'phase-king-n5-f1': {
    description: 'Byzantine agreement at n=5, f=1 with the free action space: phase king is correct (n > 4f)',
    n: 5, f: 1, honestActions: 'free', maxRounds: 5,
  },
  ...slushPresets,
  'async-crash': {
    description: 'Asynchronous (bounded delay) consensus at n=3 with one crash: FLP rules out deterministic protocols; Ben-Or terminates with probability growing in the horizon',
    n: 3, f: 1, faults: 'crash', timing: 'async', maxDelay: 1, honestActions: 'free', afterCommit: 'continue', maxRounds: 24,
  },
  'partial-sync-crash': {
    description: 'Partially synchronous consensus at n=4 with one crash: delays up to 2 rounds before a random GST',
    n: 4, f: 1, faults: 'crash', timing: 'partial-sync', maxDelay: 2, honestActions: 'free', afterCommit: 'continue', maxRounds: 24,
  },
};
