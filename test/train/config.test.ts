// One validated config per run: the command line, a --config file, a named recipe and the run
// folder's config.json are read by the same schema; a resume reads the whole config back.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig, TRAIN_CONFIG_VERSION } from '../../src/train/config.js';
import { RECIPES } from '../../src/train/recipes.js';
import { readMetrics } from '../../src/train/runFolder.js';
import { cgym, cgymJson } from '../cli/cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-config-'));
const configOf = (run: string) => JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as Record<string, unknown> & { observation: Record<string, unknown> };
/** The metric lines without the timing keys (which differ between any two runs). */
const untimed = (run: string) => readMetrics(run).map(({ episodesPerSecond: _e, agentDecisionsPerSecond: _a, wallSeconds: _w, ...rest }) => rest);

describe('the train config', () => {
  it('names the key, the value and the rule of a bad option, and of an unknown key', () => {
    expect(() => parseTrainConfig({ scenario: 'pki', batch: 0 })).toThrow('train: batch=0: must be at least 1');
    expect(() => parseTrainConfig({ scenario: 'pki', observation: { valueFrame: 'relative' } })).toThrow('train: observation.valueFrame="relative": must be one of absolute, own-input, symmetric');
    expect(() => parseTrainConfig({ scenario: 'pki', colour: 'red' })).toThrow(/^train: unknown key colour \(known: version, recipe, scenario,/);
    expect(() => parseTrainConfig({ scenario: 'pki', observation: { colour: 'red' } })).toThrow('train: unknown key observation.colour (known: history, messageView, sampleView, valueFrame, symmetricOthers)');
    expect(() => parseTrainConfig({ scenario: 'pki', version: TRAIN_CONFIG_VERSION + 1 })).toThrow(`train: version=${TRAIN_CONFIG_VERSION + 1}: must be ${TRAIN_CONFIG_VERSION}`);
    expect(() => parseTrainConfig({ scenario: 'pki', sharedDraws: 'together' })).toThrow('train: sharedDraws="together": must be one of off, quantile, gumbel (or true: quantile, false: off)');
  });

  it('sharedDraws: true and false, what configs recorded before gumbel, still read as quantile and off', () => {
    expect(parseTrainConfig({ scenario: 'pki', sharedDraws: true }).sharedDraws).toBe('quantile');
    expect(parseTrainConfig({ scenario: 'pki', sharedDraws: false }).sharedDraws).toBe('off');
    expect(parseTrainConfig({ scenario: 'pki' }).sharedDraws).toBe('off');
    expect(parseTrainConfig({ scenario: 'pki', sharedDraws: 'gumbel' }).sharedDraws).toBe('gumbel');
  });

  it('every recipe is a valid config', () => {
    for (const [name, recipe] of Object.entries(RECIPES)) expect(() => parseTrainConfig(recipe.config, `recipe ${name}`), name).not.toThrow();
  });

  it('a preset trains with its own recipe unless --recipe none; flags override the recipe', () => {
    const recipe = join(dir, 'pki-recipe');
    expect(cgym(['train', '--scenario', 'pki', '--epochs', '1', '--batch', '16', '--hidden', '4', '--out', recipe]).status).toBe(0);
    expect(configOf(recipe)).toMatchObject({ recipe: 'pki', schedule: 'league', verifyEvery: 5, messageBias: 2, honestHidden: [4], observation: { messageView: 'accepted', valueFrame: 'own-input' } });
    const plain = join(dir, 'pki-plain');
    expect(cgym(['train', '--scenario', 'pki', '--recipe', 'none', '--epochs', '1', '--batch', '16', '--out', plain]).status).toBe(0);
    expect(configOf(plain)).toMatchObject({ recipe: null, schedule: 'honest', verifyEvery: 0, observation: { messageView: 'per-sender', valueFrame: 'absolute' } });
    expect(cgym(['train', '--recipe', 'no-such', '--out', join(dir, 'x')]).stderr).toBe('cgym: train: --recipe no-such: no such recipe (known: honest-consensus, slush-4v1, slush-3v2, pki, none)\n');
  });

  it('--config FILE is the same config, flags laid over it; a bad file is one line', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ scenario: 'honest-consensus', algo: 'ppo', epochs: 2, batch: 32, observation: { history: 2 } }));
    const out = join(dir, 'from-file');
    const summary = cgymJson(['train', '--config', file, '--seed', '5', '--out', out]);
    expect(summary).toMatchObject({ algo: 'ppo', seed: 5, epochs: 2 });
    expect(configOf(out)).toMatchObject({ algo: 'ppo', seed: 5, batch: 32, observation: { history: 2 } });
    writeFileSync(file, JSON.stringify({ scenario: 'honest-consensus', batch: -1 }));
    expect(cgym(['train', '--config', file, '--out', join(dir, 'bad')]).stderr).toBe('cgym: train: batch=-1: must be at least 1\n');
    writeFileSync(file, '{"scenario": ');
    expect(cgym(['train', '--config', file, '--out', join(dir, 'bad')]).stderr).toMatch(/^cgym: train: --config .*config\.json: malformed JSON/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    expect(cgym(['train', '--config', '/dev/zero', '--out', join(dir, 'bad')]).stderr).toBe('cgym: train: --config /dev/zero: larger than 1 MiB (the limit for this kind of file); is it the right file?\n');
  });

  it('a failed start leaves no run folder behind, so the corrected command runs', () => {
    const out = join(dir, 'typo');
    const typo = cgym(['train', '--scenario', 'byzantine-breaking', '--adversary', 'equivocat', '--epochs', '1', '--out', out]);
    expect(typo.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(cgym(['train', '--scenario', 'byzantine-breaking', '--adversary', 'equivocate', '--epochs', '1', '--batch', '16', '--out', out]).status).toBe(0);
  });

  it('--resume reads the whole config from the folder (no --scenario), equals the uninterrupted run, and refuses a conflicting option', () => {
    const options = ['--scenario', 'byzantine-breaking', '--algo', 'ppo', '--schedule', 'simultaneous', '--batch', '32', '--hidden', '4', '--seed', '7'];
    const whole = join(dir, 'whole');
    cgymJson(['train', ...options, '--epochs', '4', '--out', whole]);
    const resumed = join(dir, 'resumed');
    cgymJson(['train', ...options, '--epochs', '2', '--out', resumed]);
    const summary = cgymJson(['train', '--resume', '--out', resumed, '--epochs', '4']);
    expect(summary).toMatchObject({ algo: 'ppo', schedule: 'simultaneous', epochs: 4 });
    // The first segment ended at epoch 2, and a run's last epoch is always evaluated greedily: the only difference allowed.
    const lines = untimed(resumed);
    expect(lines[1]!.evalWinRate).not.toBeNull();
    lines[1]!.evalWinRate = null;
    lines[1]!.evalMajorityCorrectRate = null;
    expect(lines).toEqual(untimed(whole));
    // The weights and Adam's state agree bit for bit; the wall clock and the config's digest (its folder differs) do not.
    const weightsOf = (run: string) => readFileSync(join(run, 'checkpoints', 'latest.json'), 'utf8').replace(/"(wallSeconds|configDigest)":[^,]+/g, '');
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
    expect(configOf(resumed)['epochs']).toBe(4); // the extension is recorded
    const conflict = cgym(['train', '--resume', '--out', resumed, '--algo', 'reinforce']);
    expect(conflict.status).toBe(1);
    expect(conflict.stderr).toMatch(/^cgym: train: --resume continues the run recorded in .*config\.json; these options differ from it: algo="reinforce" \(run: "ppo"\)/);
    expect(cgym(['train', '--resume', '--out', resumed, '--scenario', 'honest-consensus']).stderr).toMatch(/scenario=honest-consensus \(run: byzantine-breaking, changed\)/);
    expect(cgym(['train', '--resume', '--out', resumed, '--scenario', 'byzantine-breaking', '--algo', 'ppo']).status).toBe(0);
  });
});
