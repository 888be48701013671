// `cgym … | head`: a reader that leaves early is no error. The process ends quietly (exit 0, no
// stack on stderr) instead of crashing on the failed write (EPIPE).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(__dirname, '../../dist/src/cli/main.js');

function withReaderGone(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.destroy(); // the reader leaves before the first line
    child.on('close', (status) => done({ status, stderr }));
  });
}

describe('cgym with its output pipe closed by the reader', () => {
  it.each([
    ['scenarios --json', ['scenarios', '--json']],
    ['play', ['play', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', 'equivocate', '--episodes', '2000', '--trace']],
  ])('%s ends with status 0 and nothing on stderr', async (_name, args) => {
    expect(await withReaderGone(args)).toEqual({ status: 0, stderr: '' });
  });
});
