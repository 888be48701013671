// How the built package loads TensorFlow.js (src/policy/tf.ts): tfjs-core and the wasm backend
// only, with the gradients from the bundle `npm run build` writes — and training with them gives
// the same numbers, bit for bit, as the sources under vitest, which register the union package's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { train, type TrainOptions } from '../../src/train/train.js';

const ROOT = resolve(__dirname, '../..');
const BUILT_TF = resolve(ROOT, 'dist/src/policy/tf.js');
const BUILT_CLI = resolve(ROOT, 'dist/src/cli/main.js');

function requireBuild(): void {
  if (!existsSync(BUILT_TF)) throw new Error(`${BUILT_TF} is missing: run \`npm run build\` first (\`npm test\` does)`);
}

const scratch = mkdtempSync(join(tmpdir(), 'cgym-tf-loading-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loading TensorFlow.js', () => {
  it('the build loads tfjs-core and the wasm backend with the bundled gradients, not the @tensorflow/tfjs union', () => {
    requireBuild();
    const probe = `
      import { createRequire } from 'node:module';
      const { tf, ready, gradientSource } = await import(${JSON.stringify(BUILT_TF)});
      const backend = await ready();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const x = tf.tensor1d([1, -2, 3]);
      const grad = tf.grad((v) => tf.sum(tf.mul(tf.relu(v), v)))(x);
      console.log(JSON.stringify({
        gradientSource, backend,
        packages: [...new Set(loaded.map((file) => /@tensorflow\\/([^/]+)/.exec(file)?.[1]).filter(Boolean))].sort(),
        grad: Array.from(grad.dataSync()),
      }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { gradientSource: string; backend: string; packages: string[]; grad: number[] };
    expect(result.gradientSource).toBe('bundle');
    expect(result.backend).toBe('wasm');
    expect(result.packages).toEqual(['tfjs-backend-wasm', 'tfjs-core']);
    expect(result.grad).toEqual([2, 0, 6]); // d/dv relu(v)·v = 2v for v > 0, 0 for v < 0
  });

  it('a built `cgym train` (bundled gradients) learns the same weights, bit for bit, as the sources (union gradients)', async () => {
    requireBuild();
    // Hidden layers (relu, slice, concat on pki's heads) and PPO's clipped loss (minimum, clip, div,
    // sqrt, square) on both sides: most of the gradients any of the trainers takes.
    const options = { scenario: 'pki', schedule: 'simultaneous', algo: 'ppo', epochs: 2, batch: 32, seed: 3, evalEvery: 2, evalEpisodes: 50, finalEpisodes: 50 } as const;
    const built = join(scratch, 'built');
    const config = join(scratch, 'config.json');
    writeFileSync(config, JSON.stringify(options));
    const run = spawnSync(process.execPath, [BUILT_CLI, 'train', '--config', config, '--out', built, '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const sources = join(scratch, 'sources');
    await train({ ...options, out: sources } satisfies TrainOptions);
    const weights = (dir: string) => {
      const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoints/latest.json'), 'utf8')) as { honest: { weights: number[][] }; adversary: { weights: number[][] } };
      return { honest: checkpoint.honest.weights, adversary: checkpoint.adversary.weights };
    };
    expect(weights(built)).toEqual(weights(sources));
  });
});
