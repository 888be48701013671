/**
 * The dashboard's HTTP server (node:http, on 127.0.0.1 only): one page, the browser builds of Vega
 * and Vega-Lite from node_modules (the machine may have no network), a small JSON API over the runs
 * folder, and the folder's files themselves, read only.
 *
 * | route | answer |
 * |---|---|
 * | `/` | the page (page.ts) |
 * | `/assets/vega.min.js`, `/assets/vega-lite.min.js`, `/assets/dashboard.js`, `/assets/dashboard.css` | scripts and style |
 * | `/api/runs` | every run folder: scenario, recipe, seed, status, last epoch (runs.ts) |
 * | `/api/run?id=RUN` | one run: config, summary, verifier and attack findings |
 * | `/api/metrics?id=RUN&after=E` | the run's metric lines past epoch E (the page polls it for live curves) |
 * | `/api/rules?id=RUN` | the learned policy's extracted rules, computed on request (runSides.ts) |
 * | `/api/episode?id=RUN&seed=K&episode=E` | one episode of the run's sides, as a chart and as events |
 * | `/files/RUN/FILE` | a file of the runs folder, as it is |
 *
 * Nothing is ever written: the server opens files for reading only. A path from a URL reaches the
 * disk only through `insideRoot`: `..`, absolute paths and links leading out of the runs folder
 * answer 404. A request whose Host is not this server's loopback address answers 403, so a web
 * page elsewhere cannot reach the dashboard through DNS rebinding.
 */
import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { METRIC_LABELS } from '../report/curves.js';
import { insideRoot } from './insideRoot.js';
import { CLIENT_JS, PAGE_CSS, pageHtml } from './page.js';
import { extractRunRules, playRunEpisode, RunPlayError } from './runSides.js';
import { listRuns, readRun, readRunMetrics, runStatus } from './runs.js';

/** The only address the dashboard listens on. */
export const HOST = '127.0.0.1';

export interface DashboardOptions {
  /** The runs folder (must exist). */
  runs: string;
  /** 0: any free port. */
  port: number;
}

export interface Dashboard {
  url: string;
  port: number;
  /** The runs folder, as a real path. */
  root: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. A missing runs folder or a taken port is a one-line RangeError. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!existsSync(options.runs)) throw new RangeError(`dashboard: runs=${options.runs}: no such folder (train into it first, e.g. cgym train --out ${join(options.runs, 'NAME')}, or give --runs DIR)`);
  if (!statSync(options.runs).isDirectory()) throw new RangeError(`dashboard: runs=${options.runs}: is a file, not a folder of runs`);
  const root = realpathSync(options.runs);
  const assets = browserAssets();
  const rulesCache = new Map<string, { stamp: number; body: string }>();
  let port = options.port;

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: `internal error: ${error instanceof Error ? error.message : String(error)}` }));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHost(request.headers.host, port)) return send(response, 403, 'text/plain', 'dashboard: forbidden host\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'dashboard: read only (GET)\n', { allow: 'GET, HEAD' });
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    const path = url.pathname;
    if (path === '/' || path === '/index.html') return send(response, 200, 'text/html; charset=utf-8', pageHtml(root));
    if (path === '/favicon.ico') return send(response, 204, 'image/x-icon', '');
    if (path === '/assets/dashboard.js') return send(response, 200, 'text/javascript; charset=utf-8', CLIENT_JS);
    if (path === '/assets/dashboard.css') return send(response, 200, 'text/css; charset=utf-8', PAGE_CSS);
    const asset = assets.get(path);
    if (asset !== undefined) return send(response, 200, 'text/javascript; charset=utf-8', readFileSync(asset), { 'cache-control': 'max-age=3600' });
    if (path === '/api/runs') return sendJson(response, 200, { root, runs: listRuns(root), labels: METRIC_LABELS });
    if (path.startsWith('/files/')) return sendFile(response, root, decodePath(path.slice('/files/'.length)));
    if (!path.startsWith('/api/')) return notFound(response);

    const id = url.searchParams.get('id') ?? '';
    const dir = runFolder(root, id);
    if (dir === undefined) return sendJson(response, 404, { error: `no run ${JSON.stringify(id)} in the runs folder` });
    switch (path) {
      case '/api/run': {
        const run = readRun(root, dir);
        return run ? sendJson(response, 200, run) : sendJson(response, 409, { error: `run ${id}: config.json does not parse (yet)` });
      }
      case '/api/metrics': {
        const after = integerParam(url, 'after', -1, Number.MAX_SAFE_INTEGER, -1);
        if (typeof after === 'string') return sendJson(response, 400, { error: after });
        return sendJson(response, 200, { status: runStatus(dir, mtimeOf(join(dir, 'metrics.jsonl'))), rows: readRunMetrics(dir).filter((row) => row.epoch > after) });
      }
      case '/api/rules': {
        // Extraction plays 2000 episodes: kept until the checkpoint changes.
        const stamp = mtimeOf(join(dir, 'checkpoints', 'latest.json'));
        const cached = rulesCache.get(dir);
        if (cached && cached.stamp === stamp) return send(response, 200, 'application/json', cached.body);
        const body = await played(response, () => extractRunRules(root, dir).then((table) => JSON.stringify(table)));
        if (body !== undefined) {
          rulesCache.set(dir, { stamp, body });
          send(response, 200, 'application/json', body);
        }
        return;
      }
      case '/api/episode': {
        const seed = integerParam(url, 'seed', 0, 2 ** 32 - 1, 0);
        const episode = integerParam(url, 'episode', 0, 1e9, 0);
        for (const bad of [seed, episode]) if (typeof bad === 'string') return sendJson(response, 400, { error: bad });
        const body = await played(response, () => playRunEpisode(root, dir, seed as number, episode as number).then((view) => JSON.stringify(view)));
        if (body !== undefined) send(response, 200, 'application/json', body);
        return;
      }
      default:
        return notFound(response);
    }
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new RangeError(`dashboard: port=${options.port}: already in use (choose another with --port, or 0 for any free one)`) : error);
    };
    server.once('error', failed);
    server.listen(options.port, HOST, () => {
      server.off('error', failed);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    root,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ------------------------------------------------------------------ internals

/** The run folder named by an id from the page, or undefined (outside the runs folder, missing, or not a run). */
function runFolder(root: string, id: string): string | undefined {
  const dir = insideRoot(root, id);
  return dir !== undefined && existsSync(join(dir, 'config.json')) ? dir : undefined;
}

/** `/assets/<file>` → the browser build in node_modules. */
function browserAssets(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const packageDir = (name: string): string => {
    // Walk up from the package's entry to its package.json (its exports do not expose the builds).
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
      const up = dirname(dir);
      if (up === dir) throw new Error(`dashboard: cannot find the ${name} package`);
      dir = up;
    }
    return dir;
  };
  return new Map([
    ['/assets/vega.min.js', join(packageDir('vega'), 'build', 'vega.min.js')],
    ['/assets/vega-lite.min.js', join(packageDir('vega-lite'), 'build', 'vega-lite.min.js')],
  ]);
}

function allowedHost(host: string | undefined, port: number): boolean {
  return host === `${HOST}:${port}` || host === `localhost:${port}`;
}

/** Runs a computation on a run's policies; a RunPlayError answers 409 with its message (undefined then). */
async function played(response: ServerResponse, compute: () => Promise<string>): Promise<string | undefined> {
  try {
    return await compute();
  } catch (error) {
    if (!(error instanceof RunPlayError)) throw error;
    sendJson(response, 409, { error: error.message });
    return undefined;
  }
}

/** An integer query parameter in [min, max], its default when absent, or the one-line message of a bad one. */
function integerParam(url: URL, key: string, min: number, max: number, fallback: number): number | string {
  const raw = url.searchParams.get(key);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return /^-?\d+$/.test(raw) && value >= min && value <= max ? value : `${key}=${raw}: must be an integer in ${min}..${max}`;
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return ''; // a malformed escape names nothing
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.jsonl': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function sendFile(response: ServerResponse, root: string, relativePath: string): void {
  const file = insideRoot(root, relativePath);
  if (file === undefined || !statSync(file).isFile()) return notFound(response);
  response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

function notFound(response: ServerResponse): void {
  send(response, 404, 'text/plain', 'dashboard: not found\n');
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json', JSON.stringify(value));
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
