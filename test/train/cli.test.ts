// The learning commands through the built command line (`npm test` builds dist first): train
// prints its summary, eval replays a saved run, attack reports a break rate; misuse is one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgym, cgymJson } from '../cli/cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-cli-'));

describe('cgym train / eval / attack', () => {
  it('train --json prints the summary; eval replays the run\'s honest policy against any adversary', () => {
    const run = join(dir, 'honest');
    const summary = cgymJson(['train', '--scenario', 'byzantine-breaking', '--epochs', '2', '--batch', '64', '--seed', '4', '--out', run]);
    for (const key of ['finalWinRate', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate', 'epochs', 'epochsToThreshold', 'secondsToThreshold', 'wallSeconds'])
      expect(summary).toHaveProperty(key);
    expect(summary['epochs']).toBe(2);
    expect(summary['adversary']).toBe('equivocate');
    const evaluated = cgymJson(['eval', '--run', run, '--adversary', 'silent', '--episodes', '500']);
    expect(evaluated['adversary']).toBe('silent');
    expect(evaluated['episodes']).toBe(500);

    const attacked = cgymJson(['attack', '--scenario', 'byzantine-breaking', '--honest-run', run, '--epochs', '2', '--batch', '64', '--out', join(dir, 'attack')]);
    expect(attacked['breakRate']).toBeGreaterThanOrEqual(0);
    expect(attacked['honest']).toBe(`run:${run}`);
  });

  it('--learning-rate, --entropy and --group-size reach the chosen algorithm (config.json), and bad values are one line', () => {
    const out = join(dir, 'hyper');
    const run = cgym(['train', '--scenario', 'honest-consensus', '--epochs', '2', '--batch', '64', '--learning-rate', '0.02', '--entropy', '0.05', '--group-size', '8', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { reinforce: { learningRate: number; entropyCoef: number; groupSize: number } };
    expect(config.reinforce).toMatchObject({ learningRate: 0.02, entropyCoef: 0.05, groupSize: 8 });
    expect(cgym(['train', '--scenario', 'honest-consensus', '--batch', '64', '--group-size', '6', '--out', join(dir, 'g6')]).stderr).toBe('cgym: train: reinforce.groupSize must be a positive integer dividing batch=64 (got 6)\n');
    expect(cgym(['train', '--scenario', 'honest-consensus', '--algo', 'ppo', '--group-size', '8', '--out', join(dir, 'gppo')]).stderr).toBe("cgym: train: --group-size applies to --algo reinforce (the run's algo is ppo)\n");
    expect(cgym(['train', '--scenario', 'honest-consensus', '--algo', 'ppo', '--learning-rate', '0', '--out', join(dir, 'lr0')]).stderr).toBe('cgym: train: ppo.learningRate=0: must be a positive number\n');
  });

  it('--learning-rate and --entropy reach the algorithm a --config file (or recipe) names, without --algo', () => {
    const file = join(dir, 'ppo-config.json');
    writeFileSync(file, JSON.stringify({ scenario: 'honest-consensus', algo: 'ppo', epochs: 1, batch: 32, evalEpisodes: 100, finalEpisodes: 100 }));
    const out = join(dir, 'ppo-from-config');
    const run = cgym(['train', '--config', file, '--learning-rate', '0.002', '--entropy', '0.05', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { ppo: { learningRate: number; entropyCoef: number }; reinforce: { learningRate: number; entropyCoef: number } };
    expect(config.ppo).toMatchObject({ learningRate: 0.002, entropyCoef: 0.05 });
    expect(config.reinforce).toMatchObject({ learningRate: 0.01, entropyCoef: 0.01 });
    expect(cgym(['train', '--config', file, '--group-size', '8', '--out', join(dir, 'ppo-group')]).stderr).toBe("cgym: train: --group-size applies to --algo reinforce (the run's algo is ppo)\n");
  });

  it('misuse is one line', () => {
    const both = cgym(['attack', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--honest-run', dir]);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe('cgym: attack: give exactly one of --honest <protocol|run> or --honest-run <dir>\n');
    const resume = cgym(['train', '--scenario', 'honest-consensus', '--resume']);
    expect(resume.stderr).toBe('cgym: train: --resume needs --out DIR (the run folder to continue)\n');
    const schedule = cgym(['train', '--scenario', 'honest-consensus', '--schedule', 'tournament']);
    expect(schedule.stderr).toMatch(/^cgym: option '--schedule <schedule>' argument 'tournament' is invalid\. must be one of honest, adversary, simultaneous, alternating, league\.\n$/);
    const leagueFlag = cgym(['train', '--scenario', 'byzantine-breaking', '--league-pool', '3', '--out', join(dir, 'not-league')]);
    expect(leagueFlag.stderr).toBe('cgym: train: --league-pool, --league-every and --league-latest need --schedule league (got --schedule honest)\n');
    const leagueNoFaults = cgym(['train', '--scenario', 'honest-consensus', '--schedule', 'league', '--out', join(dir, 'league-f0')]);
    expect(leagueNoFaults.stderr).toBe('cgym: train: schedule league needs f ≥ 1 (scenario honest-consensus has f=0)\n');
    const bias = cgym(['train', '--scenario', 'pki', '--recipe', 'none', '--message-bias', '2', '--out', join(dir, 'bias')]);
    expect(bias.stderr).toBe('cgym: train: messageBias=2 needs valueFrame=own-input or symmetric (only there is "send my input" one option)\n');
    const frame = cgym(['train', '--scenario', 'pki', '--value-frame', 'relative', '--out', join(dir, 'frame')]);
    expect(frame.stderr).toMatch(/^cgym: option '--value-frame <frame>' argument 'relative' is invalid\. must be one of absolute, own-input, symmetric\.\n$/);
    const unverified = cgym(['train', '--scenario', 'pki', '--recipe', 'none', '--counterexamples', '--out', join(dir, 'cegis')]);
    expect(unverified.stderr).toBe('cgym: train: counterexamples need a verification (--verify-every K): the attacks come from the verifier\n');
    const symmetric = cgym(['train', '--scenario', 'bb-pki-n3-f1', '--symmetric-others', '--out', join(dir, 'sym')]);
    expect(symmetric.stderr).toBe('cgym: train: symmetricOthers: broadcast observations name the sender by position\n');
    const view = cgym(['train', '--scenario', 'ba-n4-f1', '--message-view', 'accepted', '--out', join(dir, 'view')]);
    expect(view.stderr).toBe('cgym: train: messageView accepted: needs identity=pki and relay actions (got authenticated, relay)\n');
    const record = cgym(['train', '--scenario', 'pki', '--sample-view', 'record', '--out', join(dir, 'record')]);
    expect(record.stderr).toBe('cgym: train: sampleView record: needs the slush or sampling action space (got relay)\n');
    const history = cgym(['train', '--scenario', 'pki', '--history', '4', '--out', join(dir, 'h4')]);
    expect(history.stderr).toBe('cgym: train: history must be an integer in 1..maxRounds=3 (got 4)\n');
  });
});
