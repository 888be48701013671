// `cgym play` end to end through the built dist.
import { describe, expect, it } from 'vitest';
import { RUN_FOLDER_NOTE } from '../../src/cli/commands/protocols.js';
import type { PlayResult } from '../../src/play/play.js';
import { cgym, cgymJson } from './cgym.js';

/** What `play --json` prints: the library's PlayResult, plus the trace with --trace. */
type PlayJson = PlayResult & { trace?: string };

const BREAKING = ['play', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', 'equivocate'];

describe('cgym play', () => {
  it('--json prints one object with every named field; equivocation breaks majority vote about half the time', () => {
    // Paper §9 (byzantine-breaking): the equivocating adversary wins whenever the two honest inputs differ.
    const result = cgymJson<PlayJson>([...BREAKING, '--episodes', '20000', '--seed', '3']);
    expect(result).toMatchObject({ scenario: 'byzantine-breaking', honest: 'majority', adversary: 'equivocate', seed: 3, episodes: 20000 });
    for (const field of ['winRate', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate', 'meanRounds', 'meanMessages', 'episodesPerSecond'] as const)
      expect(typeof result[field], field).toBe('number');
    expect(result.winRate).toBeGreaterThan(0.45);
    expect(result.winRate).toBeLessThan(0.55);
    expect(result.consistencyViolationRate).toBeCloseTo(1 - result.winRate, 10);
    expect(result.meanRounds).toBeGreaterThan(0);
    expect(result.episodesPerSecond).toBeGreaterThan(0);
  });

  it('gives identical results for one seed, whatever the batch size', () => {
    const strip = ({ episodesPerSecond: _a, seconds: _b, ...rest }: PlayJson & { seconds?: number }) => rest;
    const a = cgymJson<PlayJson>([...BREAKING, '--episodes', '3000', '--seed', '9']);
    const b = cgymJson<PlayJson>([...BREAKING, '--episodes', '3000', '--seed', '9', '--batch', '7']);
    expect(strip(b)).toEqual(strip(a));
  });

  it('--set overrides change the game: without the faulty agent majority vote always wins', () => {
    const result = cgymJson<PlayJson>([...BREAKING, '--episodes', '2000', '--set', 'f=0']);
    expect(result.winRate).toBe(1);
    const longer = cgymJson<PlayJson>(['play', '--scenario', 'honest-consensus', '--honest', 'random', '--episodes', '2000', '--set', 'maxRounds=1']);
    expect(longer.meanRounds).toBe(1);
  });

  it('prints an aligned human table', () => {
    const run = cgym([...BREAKING, '--episodes', '1000']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const label of ['honest win rate', 'consistency violations', 'validity violations', 'termination violations', 'majority-correct rate', 'mean rounds', 'mean messages / episode', 'episodes / s'])
      expect(run.stdout).toContain(label);
    const percents = run.stdout.split('\n').filter((line) => line.endsWith('%'));
    expect(new Set(percents.map((line) => line.length)).size).toBe(1); // right-aligned column
  });

  it('--trace prints the first episode round by round: inputs, messages, decisions, verdict', () => {
    const run = cgym([...BREAKING, '--episodes', '10', '--trace']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('trace: majority vs equivocate · seed 0 · episode 0');
    expect(run.stdout).toMatch(/^input\s+/m);
    expect(run.stdout).toMatch(/^decided\s+/m);
    expect(run.stdout).toMatch(/^round\s+agent\s+sent\s+decided/m);
    expect(run.stdout).toContain('faulty');
    expect(run.stdout).toMatch(/→/);
    expect(run.stdout).toMatch(/^verdict: (honest win|adversary wins)/m);
  });

  it('--trace-episode replays the chosen episode, also inside --json', () => {
    const result = cgymJson<PlayJson>([...BREAKING, '--episodes', '10', '--trace-episode', '4']);
    expect(result.trace).toContain('episode 4 of seed 0');
    expect(result.trace).toContain('verdict:');
  });
});

describe('cgym scenarios and protocols', () => {
  it('scenarios --json lists every preset with its settings', async () => {
    const { PRESETS } = await import('../../src/game/presets.js');
    const { scenarios } = cgymJson<{ scenarios: Array<{ name: string; n: number; f: number; timing: string; maxRounds: number }> }>(['scenarios']);
    expect(scenarios.map((s) => s.name)).toEqual(Object.keys(PRESETS));
    const breaking = scenarios.find((s) => s.name === 'byzantine-breaking')!;
    expect(breaking).toMatchObject({ n: 3, f: 1, timing: 'sync', maxRounds: 2 });
  });

  it('scenarios prints a table', () => {
    const run = cgym(['scenarios']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^name\s+n\s+f\s+faults/m);
    expect(run.stdout).toMatch(/^byzantine-breaking\s+3\s+1\s+byzantine/m);
  });

  it('protocols --json lists every registered protocol with its assumptions and source, and every adversary', async () => {
    const { PROTOCOLS, ADVERSARIES } = await import('../../src/protocols/registry.js');
    const listed = cgymJson<{ protocols: Array<{ name: string; summary: string; assumptions: string; source: string }>; adversaries: Array<{ name: string }> }>(['protocols']);
    expect(listed.protocols.map((p) => p.name)).toEqual(PROTOCOLS.map((p) => p.name));
    expect(listed.adversaries.map((a) => a.name)).toEqual(ADVERSARIES.map((a) => a.name));
    for (const p of listed.protocols) expect(p.assumptions.length * p.source.length * p.summary.length).toBeGreaterThan(0);
  });

  it('protocols ends by saying that a run folder stands where a protocol or an adversary does', () => {
    const run = cgym(['protocols']);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(RUN_FOLDER_NOTE);
  });

  it('protocols --scenario says which can run there', () => {
    const listed = cgymJson<{ scenario: string; protocols: Array<{ name: string; refused: string | null }> }>(['protocols', '--scenario', 'byzantine-breaking']);
    expect(listed.scenario).toBe('byzantine-breaking');
    expect(listed.protocols.find((p) => p.name === 'random')!.refused).toBeNull();
  });
});
