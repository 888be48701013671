// `cgym sweep --queue` over `cgym worker`s on a real Redis (Debian's redis-server, started here on a
// free port in a temporary folder): 8 small training jobs give the same results as the same sweep
// run locally (every metric line equal up to the timing keys, and the same summary table), and a
// worker killed with SIGKILL mid-job changes nothing: another worker resumes the job from its
// checkpoint. Skipped, saying so, only when redis-server is not installed (.ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgym, ROOT } from '../cli/cgym.js';

const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const REDIS = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
if (!REDIS) console.warn('test/sweep/queue.test.ts: SKIPPED: redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)');

/** Metric keys that measure the machine, not the run. */
const TIMING = ['wallSeconds', 'episodesPerSecond', 'agentDecisionsPerSecond'];

const folder = mkdtempSync(join(tmpdir(), 'cgym-queue-'));
const started: ChildProcess[] = [];
let redisUrl = '';

/** The kill test's jobs run many epochs of a few milliseconds each, so that a kill a few epochs in lands
 * mid-job whatever the machine's speed: the 20-epoch jobs above can finish within the ~0.3 s a kill
 * takes to reach the training child (a CI run saw one do so). */
const LONG_EPOCHS = 600;
const longSweepFile = join(folder, 'long.json');
writeFileSync(
  longSweepFile,
  JSON.stringify({
    kind: 'train',
    base: { scenario: 'honest-consensus', epochs: LONG_EPOCHS, batch: 64, finalEpisodes: 500 },
    axes: { seed: [0, 1] },
  }),
);

/** 8 jobs of a few seconds each: two sizes of honest-consensus × 4 seeds. */
const sweepFile = join(folder, 'eight.json');
writeFileSync(
  sweepFile,
  JSON.stringify({
    kind: 'train',
    base: { scenario: 'honest-consensus', epochs: 20, batch: 64, finalEpisodes: 500 },
    axes: { 'set.n': [3, 4], seed: [0, 1, 2, 3] },
  }),
);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function until<T>(what: string, probe: () => T | undefined, seconds: number): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

function startWorker(): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [MAIN, 'worker', '--queue', redisUrl, '--jobs', '1', '--lock-seconds', '2'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, stderr: () => text };
}

/** Runs `cgym sweep` without blocking the test (the workers' output is read meanwhile). */
function sweep(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, 'sweep', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Every run's metric lines without the timing keys, by job name. */
function metricsOf(out: string): Record<string, unknown[]> {
  const runs = join(out, 'runs');
  return Object.fromEntries(
    readdirSync(runs).sort().map((name) => [
      name,
      readFileSync(join(runs, name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
        const metrics = JSON.parse(line) as Record<string, unknown>;
        for (const key of TIMING) delete metrics[key];
        return metrics;
      }),
    ]),
  );
}

let local: { table: string; metrics: Record<string, unknown[]> };
let localLong: { table: string; metrics: Record<string, unknown[]> };

beforeAll(async () => {
  if (!REDIS) return;
  const port = await freePort();
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  started.push(redis);
  redisUrl = `redis://127.0.0.1:${port}`;
  await until('redis-server to answer', () => (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG' ? true : undefined), 20);
  const run = cgym(['sweep', sweepFile, '--jobs', '2', '--out', join(folder, 'local')]);
  expect(run.status, run.stderr).toBe(0);
  local = { table: run.stdout, metrics: metricsOf(join(folder, 'local')) };
  const long = cgym(['sweep', longSweepFile, '--jobs', '2', '--out', join(folder, 'local-long')]);
  expect(long.status, long.stderr).toBe(0);
  localLong = { table: long.stdout, metrics: metricsOf(join(folder, 'local-long')) };
}, 120_000);

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!REDIS)('cgym sweep --queue with cgym worker (real redis-server)', () => {
  it('8 jobs over two workers give the local sweep\'s results exactly (metric lines up to timing, the summary table)', async () => {
    const workers = [startWorker(), startWorker()];
    const out = join(folder, 'queued');
    const run = await sweep([sweepFile, '--queue', redisUrl, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(local.table);
    expect(metricsOf(out)).toEqual(local.metrics);
    // Both workers took jobs.
    for (const worker of workers) expect(worker.stderr()).toMatch(/: done$/m);
    for (const { child } of workers) child.kill('SIGTERM');

    // Run again: every job is finished, nothing is run twice.
    const again = cgym(['sweep', sweepFile, '--queue', redisUrl, '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/8 already finished, 0 to run/);
    expect(again.stdout).toBe(local.table);
  }, 180_000);

  it('a worker killed with SIGKILL mid-job: another worker resumes the job from its checkpoint, and the results are exact', async () => {
    const first = startWorker();
    const out = join(folder, 'killed');
    const running = sweep([longSweepFile, '--queue', redisUrl, '--out', out]);
    // Mid-job: a run of the first worker (the only one yet) has checkpointed a few epochs and not finished.
    const victim = await until('a run some epochs in', () => {
      const runs = existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')) : [];
      return runs.find((name) => {
        const metrics = join(out, 'runs', name, 'metrics.jsonl');
        return existsSync(metrics) && readFileSync(metrics, 'utf8').trim().split('\n').length >= 5 && !existsSync(join(out, 'runs', name, 'result.json'));
      });
    }, 60);
    first.child.kill('SIGKILL');
    // The killed worker's job, and its training child, stop with it (no orphan keeps the run folder).
    const lock = join(out, 'runs', victim, 'lock');
    const holder = existsSync(lock) ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid : null;
    if (holder !== null) await until('the killed job\'s training child to exit', () => (spawnSync('kill', ['-0', String(holder)]).status !== 0 ? true : undefined), 10);
    const epochsAtKill = readFileSync(join(out, 'runs', victim, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
    expect(epochsAtKill).toBeLessThan(LONG_EPOCHS);

    const second = startWorker();
    const run = await running;
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(localLong.table);
    expect(metricsOf(out)).toEqual(localLong.metrics);
    // The second worker took the killed job over: BullMQ saw its lock expire and gave it a second attempt.
    expect(second.stderr()).toContain(`worker: ${victim.replace(/__/g, ' ')}: started (attempt 2)`);
    second.child.kill('SIGTERM');
  }, 180_000);
});
