// `cgym dashboard` as a user runs it: one line and exit 1 for a bad option, a URL on stdout once it
// listens, and a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym, ROOT } from '../cli/cgym.js';

const base = mkdtempSync(join(tmpdir(), 'cgym-dashboard-cli-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('cgym dashboard', () => {
  it('refuses a missing runs folder and a bad port in one line', () => {
    const missing = cgym(['dashboard', '--runs', join(base, 'nope'), '--port', '0']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`cgym: dashboard: runs=${join(base, 'nope')}: no such folder (train into it first, e.g. cgym train --out ${join(base, 'nope', 'NAME')}, or give --runs DIR)\n`);
    const port = cgym(['dashboard', '--runs', base, '--port', '70000']);
    expect(port.status).toBe(1);
    expect(port.stderr.trim().split('\n')).toHaveLength(1);
    expect(port.stderr).toMatch(/--port/);
  });

  it('prints its loopback URL, answers there, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [resolve(ROOT, 'dist/src/cli/main.js'), 'dashboard', '--runs', base, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = out.match(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/) /);
        if (found) done(found[1]!);
      });
      child.on('exit', () => fail(new Error(`exited before listening: ${out}`)));
    });
    const answer = await fetch(`${url}api/runs`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ runs: [] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
