// `cgym plot` and `cgym chart` end to end through the built command line (`npm test` builds first):
// the files they write, the one line they print, and one-line errors.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgym } from '../cli/cgym.js';
import { risingEpochs, tempDir, writeFakeRun } from './fakeRuns.js';
import { pngSize, PNG_SIGNATURE } from './png.js';
import { expectWellFormedSvg, svgTexts } from './svg.js';

const root = tempDir('cgym-plot-');
const violations = (e: number) => ({ consistencyViolationRate: 0.5 / e, validityViolationRate: 0.1 / e, terminationViolationRate: 0 });
const first = writeFakeRun(root, { name: 'hc-seed0', seed: 0, epochs: risingEpochs(12, 0.3, 0.99, violations) });
const second = writeFakeRun(root, { name: 'hc-seed1', seed: 1, epochs: risingEpochs(10, 0.5, 0.97, violations) });

/** Exactly one line on stderr, `cgym: …`, and a non-zero exit. */
function expectOneLineError(run: ReturnType<typeof cgym>, pattern: RegExp): void {
  expect(run.status).not.toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^cgym: /);
  expect(run.stderr).toMatch(pattern);
}

describe('cgym plot', () => {
  it('writes curves.svg into the first run folder by default and names it on one line', () => {
    const run = cgym(['plot', '--run', first, second]);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = join(first, 'curves.svg');
    expect(run.stdout).toBe(`wrote ${file} (winRate, honestReward, adversaryReward of 2 runs)\n`);
    const svg = readFileSync(file, 'utf8');
    expectWellFormedSvg(svg);
    for (const text of ['hc-seed0', 'hc-seed1', 'epoch', 'honest win rate (training)', 'training curves']) expect(svgTexts(svg)).toContain(text);
  });

  it('writes where --out says, with the seed band, the chosen metrics and the spec', () => {
    const out = join(root, 'figures', 'band.svg');
    const spec = join(root, 'figures', 'band.vl.json');

    const run = cgym(['plot', '--run', first, second, '--band', '--metric', 'winRate', '--violations', '--out', out, '--spec', spec, '--title', 'seeds 0-1']);

    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toContain(`wrote ${out} and ${spec}`);
    const svg = readFileSync(out, 'utf8');
    expectWellFormedSvg(svg);
    expect(svgTexts(svg)).toContain('honest-consensus · reinforce (2 seeds)');
    expect(svgTexts(svg)).toContain('seeds 0-1');
    const written = JSON.parse(readFileSync(spec, 'utf8')) as { vconcat: unknown[] };
    expect(written.vconcat).toHaveLength(4); // win rate, then the three violation rates
    expect(svgTexts(svg)).toContain('consistency violations');
  });

  it('writes a PNG for --out x.png: twice the size of the same figure as SVG', () => {
    const svgFile = join(root, 'figures', 'same.svg');
    const pngFile = join(root, 'figures', 'same.png');

    const svgRun = cgym(['plot', '--run', first, '--out', svgFile]);
    const pngRun = cgym(['plot', '--run', first, '--out', pngFile]);

    expect(pngRun.stderr).toBe('');
    expect(pngRun.status).toBe(0);
    expect(pngRun.stdout).toBe(`wrote ${pngFile} (winRate, honestReward, adversaryReward of 1 run)\n`);
    expect(svgRun.status).toBe(0);
    const png = readFileSync(pngFile);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const [, width, height] = readFileSync(svgFile, 'utf8').match(/^<svg[^>]* width="(\d+)" height="(\d+)"/)!;
    expect(pngSize(png)).toEqual({ width: 2 * Number(width), height: 2 * Number(height) });
  });

  it('refuses any other --out extension in one line, before writing anything', () => {
    for (const out of ['curves.pdf', 'curves', 'curves.svg.txt']) {
      expectOneLineError(cgym(['plot', '--run', first, '--out', join(root, out)]), new RegExp(`^cgym: plot: out=".*${out.replace('.', '\\.')}": must end in \\.svg or \\.png$`, 'm'));
      expect(existsSync(join(root, out))).toBe(false);
    }
  });

  it('fails in one line on a missing run folder, a folder with no epochs, an unknown metric, a metric with no data', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'config.json'), JSON.stringify({ name: 'empty', scenario: { name: 'honest-consensus' }, algo: 'ppo', seed: 0 }));
    writeFileSync(join(empty, 'metrics.jsonl'), '');

    expectOneLineError(cgym(['plot', '--run', join(root, 'nope')]), /^cgym: no such run folder: .*nope$/m);
    expectOneLineError(cgym(['plot', '--run', first, empty]), /run folder .*empty: metrics.jsonl has no epochs yet/);
    expectOneLineError(cgym(['plot', '--run', first, '--metric', 'winrate']), /unknown metric winrate; choose from winRate, /);
    expectOneLineError(cgym(['plot', '--run', first, '--metric', 'valueLoss']), /no run has a value for valueLoss/);
    expectOneLineError(cgym(['plot']), /--run <dir...>' not specified/);
    expect(existsSync(join(empty, 'curves.svg'))).toBe(false);
  });
});

describe('cgym chart', () => {
  it('replays the episode and writes its message-sequence chart', () => {
    const out = join(root, 'charts', 'equivocation.svg');

    const run = cgym(['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', 'equivocate', '--seed', '0', '--episode', '3', '--out', out]);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^wrote ${out} \\(verdict: .*\\)\\n$`));
    const svg = readFileSync(out, 'utf8');
    expectWellFormedSvg(svg);
    expect(svgTexts(svg)).toContain('majority vs equivocate · seed 0 · episode 3');
    expect(svg).toMatch(/<g class="arrow message"/);
    // The caption is the verdict `play --trace` prints for the same episode.
    const trace = cgym(['play', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', 'equivocate', '--episodes', '4', '--trace-episode', '3']);
    const verdict = trace.stdout.split('\n').find((line) => line.startsWith('verdict:'))!;
    expect(svgTexts(svg)).toContain(verdict);
  });

  it('writes a PNG for --out x.png, twice the size of the SVG', () => {
    const args = ['chart', '--scenario', 'async-crash', '--honest', 'ben-or', '--adversary', 'crash', '--episode', '2', '--out'];
    const svgFile = join(root, 'charts', 'async.svg'), pngFile = join(root, 'charts', 'async.png');

    expect(cgym([...args, svgFile]).status).toBe(0);
    const run = cgym([...args, pngFile]);

    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^wrote ${pngFile} \\(verdict: .*\\)\\n$`));
    const [, width, height] = readFileSync(svgFile, 'utf8').match(/^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/)!;
    expect(pngSize(readFileSync(pngFile))).toEqual({ width: Math.round(2 * Number(width)), height: Math.round(2 * Number(height)) });
  });

  it('fails in one line on an unknown protocol, a refused protocol, a missing --out and one that is no image', () => {
    expectOneLineError(cgym(['chart', '--scenario', 'byzantine-breaking', '--honest', 'nope', '--out', join(root, 'x.svg')]), /unknown protocol "nope"/);
    expectOneLineError(cgym(['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority']), /--out <file.svg\|file.png>' not specified/);
    expectOneLineError(cgym(['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--out', join(root, 'x.jpg')]), /^cgym: chart: out=".*x\.jpg": must end in \.svg or \.png$/m);
    expect(existsSync(join(root, 'x.jpg'))).toBe(false);
    expectOneLineError(cgym(['chart', '--scenario', 'honest-consensus', '--honest', 'majority', '--set', 'maxRounds=0', '--out', join(root, 'x.svg')]), /maxRounds=0/);
    expect(existsSync(join(root, 'x.svg'))).toBe(false);
  });
});
