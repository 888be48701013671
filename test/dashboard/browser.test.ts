// The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; `.ci/run`
// installs it): the page loads, a run appears while it trains, its curve grows, and the episode
// viewer, opened from a URL with a seed, steps round by round. One browser for the file; screenshots
// go to test-artifacts/dashboard/ (gitignored).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { ROOT } from '../cli/cgym.js';

const CHROMIUM = '/usr/bin/chromium';
const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const ARTIFACTS = resolve(ROOT, 'test-artifacts/dashboard');
const base = mkdtempSync(join(tmpdir(), 'cgym-dashboard-browser-'));
const runs = join(base, 'runs');

let dashboard: Dashboard;
let context: BrowserContext;
let training: ChildProcess | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  mkdirSync(runs);
  mkdirSync(ARTIFACTS, { recursive: true });
  dashboard = await startDashboard({ runs, port: 0 });
  // A fresh profile each time: launchPersistentContext is how playwright passes --user-data-dir.
  context = await chromium.launchPersistentContext(join(base, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
});

afterAll(async () => {
  if (training && training.exitCode === null) training.kill('SIGKILL');
  await context?.close();
  await dashboard?.close();
  rmSync(base, { recursive: true, force: true });
});

/** A page that fails the test on any script error. */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(dashboard.url + path);
  return { page, errors };
}

const points = async (page: Page): Promise<number> => Number(await page.getAttribute('#curves', 'data-points'));

describe('the dashboard in Chromium', () => {
  it('shows a run while it trains, its curve growing, until it finishes', async () => {
    const { page, errors } = await openPage('');
    await expect(page.title()).resolves.toBe('cgym dashboard');
    await page.waitForSelector('#no-runs', { state: 'visible' });

    // ~5 s of training (300 epochs of 256 episodes), written into the folder the page watches.
    training = spawn(process.execPath, [MAIN, 'train', '--scenario', 'honest-consensus', '--epochs', '300', '--batch', '256', '--seed', '4', '--out', join(runs, 'live')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => training!.on('exit', (code) => done(code)));

    const row = page.locator('#runs tr[data-run="live"]');
    await row.and(page.locator('[data-status="training"]')).waitFor({ timeout: 20_000 });
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('honest-consensus');
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('honest-consensus'); // the preset's recipe
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('4');
    await row.click();

    await expect.poll(() => points(page), { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await points(page);
    await expect.poll(() => points(page), { timeout: 10_000 }).toBeGreaterThan(first);
    expect(await page.locator('#curves svg path').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'training.png'), fullPage: true });

    expect(await exited).toBe(0);
    await row.and(page.locator('[data-status="finished"]')).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getAttribute('#curves', 'data-epochs'), { timeout: 10_000 }).toBe('300');
    await page.locator('#run-panel[data-status="finished"]').waitFor({ timeout: 10_000 });
    await page.click('#rules-button');
    await page.locator('#rule-list li').first().waitFor({ timeout: 20_000 });
    await expect(page.locator('#rule-list li').first().textContent()).resolves.toMatch(/^round 1: /);
    expect(errors).toEqual([]);
  });

  it('opens the episode named in the URL and steps it round by round', async () => {
    const { page, errors } = await openPage('#run=live&seed=5&episode=2');
    await page.locator('#round-label[data-round="1"]').waitFor({ timeout: 20_000 });
    await expect(page.locator('#episode-title').textContent()).resolves.toBe('learned (live) vs silent · seed 5 · episode 2');
    const rounds = Number((await page.locator('#round-label').textContent())!.match(/of (\d+)/)![1]);
    expect(rounds).toBeGreaterThan(1);
    const visibleArrows = () => page.locator('#chart g.arrow:visible').count();
    const atRound1 = await visibleArrows();
    expect(atRound1).toBeGreaterThan(0);
    await expect(page.locator('#chart .verdict').isVisible()).resolves.toBe(false);

    let shown = atRound1;
    for (let round = 2; round <= rounds; round++) {
      await expect(page.locator('#next').isEnabled()).resolves.toBe(true);
      await page.click('#next');
      await page.locator(`#round-label[data-round="${round}"]`).waitFor();
      expect(page.url()).toContain(`round=${round}`);
      const now = await visibleArrows();
      expect(now).toBeGreaterThanOrEqual(shown); // a round's arrows join the earlier ones
      shown = now;
      await expect(page.locator('#chart .verdict').isVisible()).resolves.toBe(round === rounds);
    }
    await expect(page.locator('#next').isEnabled()).resolves.toBe(false);
    await expect(page.locator('#round-label').textContent()).resolves.toMatch(/verdict: /);
    await page.screenshot({ path: join(ARTIFACTS, 'episode.png'), fullPage: true });
    await page.keyboard.press('ArrowLeft');
    await page.locator(`#round-label[data-round="${rounds - 1}"]`).waitFor();
    expect(errors).toEqual([]);
  });

  it('marks the adversary\'s moves in the episode viewer', async () => {
    // A Byzantine game against a fixed adversary: the run's learned honest side meets `equivocate`.
    const attacked = join(runs, 'attacked');
    const child = spawn(process.execPath, [MAIN, 'train', '--scenario', 'byzantine-breaking', '--epochs', '2', '--batch', '32', '--adversary', 'equivocate', '--out', attacked], { stdio: 'ignore' });
    expect(await new Promise((done) => child.on('exit', done))).toBe(0);
    const { page, errors } = await openPage('#run=attacked&seed=0&episode=0');
    await page.locator('#round-label[data-round="1"]').waitFor({ timeout: 20_000 });
    const marked = page.locator('#moves li.adversary');
    expect(await marked.count()).toBeGreaterThan(0);
    await expect(marked.first().textContent()).resolves.toMatch(/^\* \d → \d: .* — adversary$/);
    // Round 1 shown: the adversary's round-2 messages are drawn in the chart but hidden.
    const visible = await page.locator('#chart g.arrow:visible').count();
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(await page.locator('#chart g.arrow').count());
    await page.screenshot({ path: join(ARTIFACTS, 'adversary.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
