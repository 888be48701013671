// The dashboard's server without a browser: what the API says about a runs folder (status, findings),
// that a path from a URL never leaves the runs folder, and that a session of requests writes nothing.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { train } from '../../src/train/train.js';
import { verify } from '../../src/verify/verify.js';

const base = mkdtempSync(join(tmpdir(), 'cgym-dashboard-'));
const runs = join(base, 'runs');
const SECRET = 'outside the runs folder';
let dashboard: Dashboard;

/** A raw GET (no URL normalisation: `..` reaches the server as typed). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const getJson = async (path: string) => JSON.parse((await get(path)).body) as Record<string, unknown>;

/** Every entry under `dir` with its size and mtime, and every file's content. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const stat = lstatSync(path); // a link is hashed as a link, never followed out of the folder
      hash.update(`${relative(dir, path)} ${stat.isDirectory() ? 'dir' : stat.size} ${stat.mtimeMs}\n`);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) hash.update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

beforeAll(async () => {
  writeFileSync(join(base, 'secret.txt'), SECRET);
  // A finished run verified every 3 epochs, one left by a killed process, one still held by a live one.
  await train({
    scenario: 'honest-consensus', epochs: 6, batch: 64, seed: 2, verifyEvery: 3, evalEvery: 3, evalEpisodes: 100, finalEpisodes: 200, out: join(runs, 'sweep', 'verified'),
    verify: (scenario, honest, maxStates) => ({ worstCaseLoss: verify({ scenario, honest, maxStates }).worstCaseLossRate, attacks: [] }),
  });
  // A pid above Linux's pid_max (2^22) belongs to no process.
  for (const [name, pid] of [['killed', 2 ** 22 + 12345], ['held', process.pid]] as const) {
    cpSync(join(runs, 'sweep', 'verified'), join(runs, name), { recursive: true });
    writeFileSync(join(runs, name, 'lock'), JSON.stringify({ pid, hostname: hostname(), token: 't', since: new Date().toISOString() }) + '\n');
  }
  rmSync(join(runs, 'killed', 'summary.json'));
  writeFileSync(join(runs, 'sweep', 'verified', 'verify.json'), JSON.stringify({ verdict: 'unsafe', property: 'consistency', worstCaseLossRate: 0.5, method: 'exhaustive' }));
  symlinkSync(join(base, 'secret.txt'), join(runs, 'sweep', 'verified', 'link.txt'));
  symlinkSync(base, join(runs, 'escape'));
  mkdirSync(join(runs, 'not-a-run'));
  dashboard = await startDashboard({ runs, port: 0 });
});

afterAll(async () => {
  await dashboard?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('the run list', () => {
  it('lists every run folder (nested ones too) with scenario, recipe, seed and status', async () => {
    const body = await getJson('/api/runs');
    const list = body['runs'] as Array<Record<string, unknown>>;
    expect(list.map((run) => [run['id'], run['status']])).toEqual([
      ['held', 'training'],
      ['killed', 'crashed'],
      ['sweep/verified', 'finished'],
    ]);
    expect(list[2]).toMatchObject({ scenario: 'honest-consensus', recipe: null, seed: 2, algo: 'reinforce', epochs: 6, plannedEpochs: 6 });
  });

  it("reports the verifier's findings: the worst case during training and at the end, and a saved verify result", async () => {
    const run = await getJson('/api/run?id=sweep/verified');
    const findings = run['findings'] as Record<string, unknown>;
    expect(findings['lastVerification']).toMatchObject({ epoch: 6 });
    expect(typeof findings['finalWorstCaseLoss']).toBe('number');
    expect(findings['verdict']).toBe(findings['finalWorstCaseLoss'] === 0 ? 'safe' : 'unsafe');
    expect(findings['verifyFiles']).toEqual([{ file: 'verify.json', verdict: 'unsafe', worstCaseLossRate: 0.5, property: 'consistency', method: 'exhaustive' }]);
  });

  it('serves the metric lines past an epoch (what the page polls)', async () => {
    const body = await getJson('/api/metrics?id=sweep/verified&after=4');
    expect((body['rows'] as Array<{ epoch: number }>).map((row) => row.epoch)).toEqual([5, 6]);
    expect((await get('/api/metrics?id=sweep/verified&after=x')).status).toBe(400);
  });
});

describe('played on request', () => {
  it("plays one episode of the run's policy from the seed in the URL, the same every time", async () => {
    const first = await getJson('/api/episode?id=sweep/verified&seed=7&episode=3');
    expect(first['title']).toBe('learned (sweep/verified) vs silent · seed 7 · episode 3');
    expect(first['svg']).toMatch(/^<svg/);
    expect((first['events'] as { rounds: number }).rounds).toBeGreaterThan(0);
    expect(await getJson('/api/episode?id=sweep/verified&seed=7&episode=3')).toEqual(first);
    expect((await getJson('/api/episode?id=sweep/verified&seed=8&episode=3'))['svg']).not.toBe(first['svg']);
    const bad = await get('/api/episode?id=sweep/verified&seed=-1');
    expect([bad.status, JSON.parse(bad.body)]).toEqual([400, { error: 'seed=-1: must be an integer in 0..4294967295' }]);
  });

  it("extracts the learned policy's rules, one per round", async () => {
    const table = await getJson('/api/rules?id=sweep/verified');
    expect(table['episodes']).toBe(2000);
    expect((table['rules'] as Array<{ round: number }>)[0]).toMatchObject({ round: 1 });
  });
});

describe('only the runs folder, read only', () => {
  it.each([
    ['/files/../secret.txt'],
    ['/files/%2e%2e/secret.txt'],
    ['/files/sweep/..%2F..%2Fsecret.txt'],
    ['/files/%2Fetc%2Fpasswd'],
    ['/files//etc/passwd'],
    ['/files/sweep/verified/link.txt'],
    ['/files/escape/secret.txt'],
    ['/files/sweep/verified/..%5C..%5Csecret.txt'],
    ['/files/sweep/verified/config.json%00'],
    ['/api/run?id=..'],
    ['/api/run?id=escape'],
    ['/api/episode?id=../runs/sweep/verified'],
    ['/api/run?id=not-a-run'],
  ])('refuses %s', async (path) => {
    const answer = await get(path);
    expect([403, 404]).toContain(answer.status);
    expect(answer.body).not.toContain(SECRET);
  });

  it('serves a file of a run as it is', async () => {
    const answer = await get('/files/sweep/verified/config.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(readFileSync(join(runs, 'sweep', 'verified', 'config.json'), 'utf8'));
  });

  it('answers only requests addressed to itself, and only GET', async () => {
    expect((await get('/api/runs', { host: 'attacker.example:80' })).status).toBe(403);
    expect((await get('/api/runs', {}, 'POST')).status).toBe(405);
    expect((await get('/api/runs', {}, 'DELETE')).status).toBe(405);
  });

  it('writes nothing into the runs folder during a session of requests', async () => {
    const before = fingerprint(runs);
    for (const path of ['/', '/assets/dashboard.js', '/assets/vega.min.js', '/api/runs', '/api/run?id=held', '/api/run?id=killed', '/api/metrics?id=sweep/verified&after=-1',
      '/api/episode?id=sweep/verified&seed=1', '/api/episode?id=killed&seed=2&episode=5', '/api/rules?id=sweep/verified', '/api/rules?id=held', '/files/killed/metrics.jsonl', '/files/../secret.txt'])
      expect((await get(path)).status).toBeLessThan(500);
    expect(fingerprint(runs)).toBe(before);
  });
});

describe('starting', () => {
  it('refuses a missing runs folder in one line', async () => {
    await expect(startDashboard({ runs: join(base, 'nope'), port: 0 })).rejects.toThrow(/^dashboard: runs=.*nope: no such folder/);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
