// What `cgym sweep` shows while it runs (src/sweep/SweepProgress.ts): the line a finished job
// leaves (its metrics, a rate as a percentage), and the panel's header and running jobs.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { finishedJobLine, SweepProgress } from '../../src/sweep/SweepProgress.js';
import type { SweepJob } from '../../src/sweep/SweepJob.js';
import type { EpochMessage } from '../../src/cli/progress.js';

const job = (name: string): SweepJob => ({ name, label: name.replace(/__/g, ' '), kind: 'train', cell: name.replace(/__seed\d+$/, ''), seed: 0, run: `runs/${name}`, args: [], resumeArgs: null, keepResult: true });

/** A stream that keeps what is written, as a pipe (no terminal: no panel). */
function captured(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('SweepProgress', () => {
  it('a finished job leaves one line with its metrics (rates as percentages) and its time; a failed one says so', () => {
    expect(finishedJobLine('sweep', job('n3__seed0'), { finalWinRate: 0.9921, epochs: 30 }, ['finalWinRate', 'epochs', 'breakRate'], 4.06)).toBe('sweep: n3 seed0: finalWinRate 99.2%, epochs 30 (4.1 s)');
    const { stream, text } = captured();
    const progress = new SweepProgress(2, ['finalWinRate'], stream);
    progress.start(job('n3__seed0'));
    progress.fail(job('n3__seed0'), new Error('sweep: n3 seed0 failed: cgym: train: boom'));
    progress.stop();
    expect(text()).toBe('sweep: n3 seed0: FAILED: train: boom\n');
  });

  it('the panel: jobs done, failed, running and queued, then each running job\'s epochs', () => {
    const progress = new SweepProgress(4, ['finalWinRate'], captured().stream);
    progress.start(job('n3__seed0'));
    progress.start(job('n3__seed1'));
    const message: EpochMessage = { kind: 'cgym:epoch', epochs: 30, metrics: { epoch: 15 } as EpochMessage['metrics'] };
    progress.epoch(job('n3__seed0'), message);
    progress.finish(job('n3__seed1'), { finalWinRate: 1 });
    const [header, ...rows] = progress.lines(200);
    progress.stop();
    expect(header).toMatch(/^sweep: 1\/4 done, 1 running, 2 queued · 0:00 elapsed$/);
    expect(rows).toEqual(['  n3__seed0 [██████░░░░░░] 15/30']);
  });
});
