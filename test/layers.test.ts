// The layering rule: `game` ← `protocols`, `policy` ← `play`, `train`, `verify` ← `report` ← `dashboard`, `hunt`, `discover`, `cli`.
// A lower layer never imports a higher one; this test reads every import in src/ and checks it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const ALLOWED: Record<string, readonly string[]> = {
  game: ['game'],
  protocols: ['game', 'protocols'],
  policy: ['game', 'policy'],
  play: ['game', 'protocols', 'policy', 'play'],
  train: ['game', 'protocols', 'policy', 'play', 'train'],
  verify: ['game', 'protocols', 'policy', 'play', 'verify'],
  report: ['game', 'protocols', 'policy', 'play', 'train', 'verify', 'report'],
  dashboard: ['game', 'protocols', 'policy', 'play', 'train', 'verify', 'report', 'dashboard'],
  // The tier of cli, beside it: the robustness hunt runs the verifier, the attackers and training.
  hunt: ['game', 'protocols', 'policy', 'play', 'train', 'verify', 'report', 'hunt'],
  // The tier of cli, beside hunt: discovery trains with the verifier in the loop and reads the result back.
  discover: ['game', 'protocols', 'policy', 'play', 'train', 'verify', 'discover'],
  // The tier of cli (which is not listed: it may import anything): sweeps run cli commands.
  sweep: ['game', 'protocols', 'policy', 'play', 'train', 'verify', 'report', 'cli', 'sweep'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '');

describe('layers', () => {
  const files = sourceFiles(SRC).filter((file) => ALLOWED[layerOf(file)]);
  it.each(files.map((f) => [relative(SRC, f), f]))('%s imports only its own or lower layers', (_name, file) => {
    const layer = layerOf(file);
    const imports = [...readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
    const offending = imports.filter((spec) => !ALLOWED[layer]!.includes(layerOf(resolve(dirname(file), spec))));
    expect(offending).toEqual([]);
  });

  it('finds the game layer (the check is not vacuous)', () => {
    expect(files.some((f) => layerOf(f) === 'game')).toBe(true);
  });
});
