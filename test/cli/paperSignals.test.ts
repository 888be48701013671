// A stopped `cgym paper` leaves no orphans: its child runs die with it, whether it was asked to
// stop (SIGTERM: it stops them and exits non-zero) or killed outright (SIGKILL: no handler runs,
// the children notice their parent is gone). The runs are slush-3v2's, minutes long each, so a
// child still alive after a few seconds is one that would have run on for minutes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './cgym.js';

const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const started: number[] = [];
const folders: string[] = [];

/** Alive and not a zombie (a dead child waiting for its new parent to reap it is gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter(Boolean).map(Number);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

async function until<T>(what: string, probe: () => T | undefined, seconds: number): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/** Starts `cgym paper` on two slush-3v2 seeds and waits until both children are training. */
async function startPaper(): Promise<{ paper: ChildProcess; children: number[]; exited: Promise<{ code: number | null; stderr: string }> }> {
  const out = mkdtempSync(join(tmpdir(), 'cgym-paper-signals-'));
  folders.push(out);
  const paper = spawn(process.execPath, [MAIN, 'paper', '--only', 'slush-3v2', '--seeds', '2', '--workers', '2', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  paper.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((done) => paper.on('close', (code) => done({ code, stderr })));
  started.push(paper.pid!);
  const children = await until('two child runs', () => {
    const pids = childrenOf(paper.pid!);
    return pids.length === 2 ? pids : undefined;
  }, 30);
  started.push(...children);
  // Both runs have written their config: they are inside the training loop, whose event loop is busy.
  await until('both runs to start training', () => ([0, 1].every((seed) => existsSync(join(out, 'runs', `slush-3v2__seed${seed}`, 'config.json'))) ? true : undefined), 30);
  return { paper, children, exited };
}

afterEach(() => {
  // A failed test must not leave its own runs behind either.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('cgym paper: children die with the parent', () => {
  it('SIGKILL of the parent: every child run is gone within 5 seconds', async () => {
    const { paper, children, exited } = await startPaper();
    paper.kill('SIGKILL');
    await exited;
    await until('the children to exit', () => (children.every((pid) => !alive(pid)) ? true : undefined), 5);
  });

  it('SIGTERM: the parent stops its children and exits non-zero, saying why in one line', async () => {
    const { paper, children, exited } = await startPaper();
    paper.kill('SIGTERM');
    const { code, stderr } = await exited;
    expect(code).toBe(143);
    expect(stderr.trim().split('\n').pop()).toBe('cgym: paper: stopped by SIGTERM, and its 2 running runs with it');
    await until('the children to exit', () => (children.every((pid) => !alive(pid)) ? true : undefined), 5);
  });
});
