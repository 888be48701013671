/**
 * The engine benchmark (`npm run bench`): throughput in agent-decisions per second for hand-written
 * protocols at batch sizes 1, 1024 and 16384, the observation builder's and action decoder's rows
 * per second, and peak memory. Prints a markdown table and writes bench/results.json.
 *
 * An agent-decision is one honest agent choosing one round's action (an acting agent-round):
 * Σ over episodes and honest agents of the rounds it acted in. Throughput covers the whole loop a
 * trainer or `play` runs — reset, protocol, adversary, step, judge — on one core.
 *
 * Every measurement runs in its own child process, so that one case's JIT feedback (which protocol
 * `step` saw) and memory cannot colour another's, and peak RSS is per case.
 *
 * Then the verifier's cases (bench/verify.ts) and the time to learn honest-consensus against a
 * PyTorch reference (bench/againstPyTorch.ts), each in a child process.
 *
 * Usage: node dist/bench/run.js [--quick] [--only <case id>] [--seconds <s>]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionSpace } from '../src/game/actionSpace.js';
import { AdversaryActions, HonestActions } from '../src/game/actions.js';
import { GameBatch } from '../src/game/GameBatch.js';
import { judgeBatch, Outcomes } from '../src/game/judge.js';
import { loadScenario } from '../src/game/loadScenario.js';
import { Observer, type MessageView, type SampleView } from '../src/game/observation.js';
import type { Scenario } from '../src/game/scenario.js';
import { equivariantTemplate, featureMap, readFeatures } from '../src/policy/equivariant.js';
import { SymmetricOthers } from '../src/policy/othersOrder.js';
import { majorityProtocol } from '../src/protocols/majority.js';
import { ADVERSARIES, PROTOCOLS } from '../src/protocols/registry.js';
import type { Adversary, HonestProtocol } from '../src/protocols/types.js';

// ---------------------------------------------------------------- what is measured

/** The target of issue 2: the engine must never be what limits training. */
const TARGET_DECISIONS_PER_SECOND = 5_000_000;
const BATCH_SIZES = [1, 1024, 16384] as const;

interface ThroughputCase {
  kind: 'throughput';
  id: string;
  preset: string;
  protocol: string;
  /** Adversaries to try in order; the first one in the registry that accepts the scenario runs. */
  adversaries: string[];
  headline?: boolean;
}
interface RowsCase {
  /**
   * `symmetric`: SymmetricOthers.canonicalise on every observation row (written once); `split`: the
   * equivariant network's split of every row into own part and blocks (readFeatures, an input mean
   * subtracted), on discover's view of the rows.
   */
  kind: 'observe' | 'actions' | 'symmetric' | 'split';
  id: string;
  preset: string;
  history?: number;
  /** Rounds of random legal play before measuring (default 1), so that relays, delays and history frames hold something. */
  rounds?: number;
  messageView?: MessageView;
  sampleView?: SampleView;
}
type BenchCase = ThroughputCase | RowsCase;

const CASES: BenchCase[] = [
  { kind: 'throughput', id: 'paper/majority', preset: 'honest-consensus', protocol: 'majority', adversaries: ['silent'], headline: true },
  { kind: 'throughput', id: 'paper/random', preset: 'honest-consensus', protocol: 'random', adversaries: ['silent'] },
  { kind: 'throughput', id: 'relay/eig', preset: 'ba-n4-f1', protocol: 'eig', adversaries: ['equivocate', 'random', 'silent'] },
  { kind: 'throughput', id: 'sampling/slush', preset: 'slush-n10', protocol: 'slush', adversaries: ['silent'] },
  { kind: 'throughput', id: 'async/ben-or', preset: 'async-crash', protocol: 'ben-or', adversaries: ['crash', 'silent'] },
  { kind: 'observe', id: 'observe/paper', preset: 'honest-consensus' },
  { kind: 'observe', id: 'observe/relay', preset: 'ba-n4-f1' },
  { kind: 'observe', id: 'observe/sampling', preset: 'slush-n10' },
  { kind: 'observe', id: 'observe/paper H=4', preset: 'honest-consensus', history: 4 },
  { kind: 'observe', id: 'observe/relay H=2', preset: 'pki', history: 2 },
  { kind: 'observe', id: 'observe/slush record', preset: 'slush-3v2', sampleView: 'record' },
  { kind: 'observe', id: 'observe/relay r3', preset: 'ba-n4-f1', rounds: 2 },
  { kind: 'observe', id: 'observe/pki accepted r3', preset: 'pki', messageView: 'accepted', rounds: 2 },
  { kind: 'observe', id: 'observe/async H=3 r6', preset: 'async-crash', history: 3, rounds: 5 },
  { kind: 'observe', id: 'observe/slush H=3 r6', preset: 'slush-n10', history: 3, rounds: 5 },
  { kind: 'symmetric', id: 'symmetric-others/slush record', preset: 'slush-3v2', sampleView: 'record' },
  { kind: 'symmetric', id: 'symmetric-others/pki accepted', preset: 'pki', messageView: 'accepted' },
  { kind: 'split', id: 'split/relay H=3 r3', preset: 'ba-n4-f1', history: 3, rounds: 2 },
  { kind: 'split', id: 'split/pki H=3 r3', preset: 'pki', history: 3, rounds: 2 },
  { kind: 'split', id: 'split/slush summary r3', preset: 'slush-3v2', sampleView: 'summary', rounds: 2 },
  { kind: 'actions', id: 'mask+decode/paper', preset: 'honest-consensus' },
  { kind: 'actions', id: 'mask+decode/relay', preset: 'ba-n4-f1' },
];

interface Memory {
  /** Peak resident set size of the child process, MiB. */
  peakRssMiB: number;
  /** Peak V8 heap used, MiB (typed arrays' storage is outside the heap: see arrayBuffersMiB). */
  peakHeapMiB: number;
  /** Peak memory held by ArrayBuffers (the engine's typed arrays), MiB. */
  arrayBuffersMiB: number;
}

interface Measurement {
  id: string;
  kind: BenchCase['kind'];
  preset: string;
  protocol?: string;
  adversary?: string;
  batchSize: number;
  /** Agent-decisions per second (throughput) or observation / action rows per second. */
  perSecond: number;
  /** The best rate over windows of ≥ 0.25 s (throughput only): the estimate least disturbed by other work on the machine. */
  bestWindowPerSecond?: number;
  unit: 'agent-decisions/s' | 'rows/s';
  episodesPerSecond?: number;
  seconds: number;
  /** Share of the timed loop spent in each phase (large batches only; timers would distort batch 1). */
  phases?: Record<string, number>;
  memory: Memory;
  skipped?: string;
}

// ---------------------------------------------------------------- the child: one case, one batch size

const MiB = 1024 * 1024;

function memory(peakHeap: number, peakArrayBuffers: number): Memory {
  return {
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    peakHeapMiB: peakHeap / MiB,
    arrayBuffersMiB: peakArrayBuffers / MiB,
  };
}

function findProtocol(name: string): HonestProtocol | undefined {
  return PROTOCOLS.find((p) => p.name === name) ?? (name === 'majority' ? majorityProtocol : undefined);
}

function findAdversary(names: readonly string[], scenario: Scenario): Adversary | undefined {
  for (const name of names) {
    const adversary = ADVERSARIES.find((a) => a.name === name);
    if (adversary && !adversary.refuse(scenario)) return adversary;
  }
  return undefined;
}

/** Honest agent-rounds in which an honest agent acted, in episode slot b (after it ended). */
function decisionsOf(game: GameBatch, b: number): number {
  const { n } = game;
  const halt = !game.continueAfterCommit;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = b * n + i;
    if (game.faulty[a]) continue;
    total += halt && game.decisionRound[a] !== 0 ? game.decisionRound[a]! : game.roundsPlayed[b]!;
  }
  return total;
}

function measureThroughput(spec: ThroughputCase, batchSize: number, seconds: number): Measurement {
  const scenario = loadScenario(spec.preset);
  const base = { id: spec.id, kind: spec.kind, preset: spec.preset, protocol: spec.protocol, batchSize, unit: 'agent-decisions/s' as const };
  const protocol = findProtocol(spec.protocol);
  const adversary = findAdversary(spec.adversaries, scenario);
  const skip = (why: string): Measurement => ({ ...base, perSecond: 0, seconds: 0, memory: memory(0, 0), skipped: why });
  if (!protocol) return skip(`protocol ${spec.protocol} is not in the registry yet`);
  if (protocol.refuse(scenario)) return skip(protocol.refuse(scenario)!);
  if (!adversary) return skip(`none of the adversaries ${spec.adversaries.join(', ')} is in the registry and accepts ${spec.preset}`);

  const game = new GameBatch(scenario, { size: batchSize, seed: 1, memorySlots: protocol.memorySlots });
  const honest = new HonestActions(batchSize, scenario.n, scenario);
  const adv = new AdversaryActions(batchSize, scenario.n, scenario);
  const outcomes = new Outcomes(batchSize);
  let peakHeap = 0, peakArrayBuffers = 0;
  const sampleMemory = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
  };

  // Plain loop, the shape of play(): timed per batch, decisions counted outside the clock.
  let episode = 0;
  // Rates per window of ≥ 0.25 s: other work on a shared machine only ever slows a window down,
  // so the best window estimates the uncontended rate and the overall mean the sustained one.
  const windows: number[] = [];
  let windowTime = 0, windowDecisions = 0;
  const runFor = (budget: number, timed: boolean) => {
    let elapsed = 0, decisions = 0, episodes = 0;
    while (elapsed < budget) {
      const t0 = performance.now();
      game.reset(episode);
      while (!game.allDone) {
        honest.clear();
        protocol.act(game, honest);
        adv.clear();
        adversary.act(game, honest, adv);
        game.step(honest, adv);
      }
      judgeBatch(game, outcomes);
      elapsed += (performance.now() - t0) / 1000;
      episode += batchSize;
      if (timed) {
        let batchDecisions = 0;
        for (let b = 0; b < batchSize; b++) batchDecisions += decisionsOf(game, b);
        decisions += batchDecisions;
        windowDecisions += batchDecisions;
        windowTime += (performance.now() - t0) / 1000;
        if (windowTime >= 0.25) {
          windows.push(windowDecisions / windowTime);
          windowTime = windowDecisions = 0;
        }
        episodes += batchSize;
        if (episodes % (64 * batchSize) === 0 || batchSize > 1) sampleMemory();
      }
    }
    return { elapsed, decisions, episodes };
  };
  runFor(Math.min(0.5, seconds / 2), false); // warm-up: let the JIT settle
  const { elapsed, decisions, episodes } = runFor(seconds, true);
  sampleMemory();

  const result: Measurement = {
    ...base,
    adversary: adversary.name,
    perSecond: decisions / elapsed,
    bestWindowPerSecond: Math.max(decisions / elapsed, ...windows),
    episodesPerSecond: episodes / elapsed,
    seconds: elapsed,
    memory: memory(peakHeap, peakArrayBuffers),
  };
  if (batchSize >= 1024) result.phases = phaseBreakdown(game, protocol, adversary, honest, adv, outcomes, seconds / 2, () => (episode += batchSize));
  return result;
}

/** Where the loop's time goes, as shares: reset, protocol, adversary, step, judge (and clearing the buffers). */
function phaseBreakdown(game: GameBatch, protocol: HonestProtocol, adversary: Adversary, honest: HonestActions, adv: AdversaryActions, outcomes: Outcomes, seconds: number, nextEpisode: () => number): Record<string, number> {
  const time = { reset: 0, clear: 0, protocol: 0, adversary: 0, step: 0, judge: 0 };
  let total = 0;
  while (total < seconds) {
    let t = performance.now();
    const lap = (key: keyof typeof time) => {
      const now = performance.now();
      time[key] += now - t;
      total += (now - t) / 1000;
      t = now;
    };
    game.reset(nextEpisode());
    lap('reset');
    while (!game.allDone) {
      honest.clear();
      adv.clear();
      lap('clear');
      protocol.act(game, honest);
      lap('protocol');
      adversary.act(game, honest, adv);
      lap('adversary');
      game.step(honest, adv);
      lap('step');
    }
    judgeBatch(game, outcomes);
    lap('judge');
  }
  const sum = Object.values(time).reduce((x, y) => x + y, 0);
  return Object.fromEntries(Object.entries(time).map(([k, v]) => [k, v / sum]));
}

/** Rows per second of Observer.observe, or of legalMask + decode, on mid-episode states. */
function measureRows(spec: RowsCase, batchSize: number, seconds: number): Measurement {
  const scenario = loadScenario(spec.preset);
  const game = new GameBatch(scenario, { size: batchSize, seed: 1 });
  const rows = batchSize * scenario.n;
  // Play rounds of random legal actions so that messages and samples have arrived.
  const space = new ActionSpace(scenario);
  const mask = new Uint8Array(rows * space.maskWidth);
  const choices = new Int32Array(rows * space.headCount);
  const honest = new HonestActions(batchSize, scenario.n, scenario);
  const adv = new AdversaryActions(batchSize, scenario.n, scenario);
  game.reset(0);
  for (let played = 0; played < (spec.rounds ?? 1); played++) {
    space.legalMask(game, mask);
    for (let row = 0; row < rows; row++) {
      for (let h = 0; h < space.headCount; h++) {
        const head = space.heads[h]!;
        let c = game.honestRandomInt(Math.floor(row / scenario.n), head.size);
        if (!mask[row * space.maskWidth + head.offset + c]) c = 0;
        choices[row * space.headCount + h] = c;
      }
    }
    space.decode(game, choices, honest);
    game.step(honest, adv);
  }

  let work: () => void;
  const views = { history: spec.history ?? 1, ...(spec.messageView && { messageView: spec.messageView }), ...(spec.sampleView && { sampleView: spec.sampleView }) };
  if (spec.kind === 'observe') {
    const observer = new Observer(scenario, views);
    const out = new Float32Array(rows * observer.size);
    work = () => observer.observe(game, out);
  } else if (spec.kind === 'symmetric') {
    const observer = new Observer(scenario, views);
    const out = new Float32Array(rows * observer.size);
    observer.observe(game, out);
    const observed = out.slice();
    const symmetric = new SymmetricOthers(observer);
    work = () => {
      out.set(observed); // canonicalise rows as observed, not rows already in canonical order
      for (let row = 0; row < rows; row++) symmetric.canonicalise(out, row);
    };
  } else if (spec.kind === 'split') {
    const observer = new Observer(scenario, views);
    const out = new Float32Array(rows * observer.size);
    observer.observe(game, out);
    const map = featureMap(equivariantTemplate(observer, []), scenario.n);
    const mean = new Float32Array(map.ownWidth + map.blockWidth).fill(0.25);
    work = () => void readFeatures(map, out, rows, mean);
  } else {
    work = () => {
      space.legalMask(game, mask);
      space.decode(game, choices, honest);
    };
  }
  const runFor = (budget: number) => {
    let elapsed = 0, calls = 0;
    while (elapsed < budget) {
      const t0 = performance.now();
      for (let rep = 0; rep < Math.max(1, Math.floor(4096 / batchSize)); rep++, calls++) work();
      elapsed += (performance.now() - t0) / 1000;
    }
    return { elapsed, calls };
  };
  runFor(Math.min(0.3, seconds / 2));
  const { elapsed, calls } = runFor(seconds);
  const m = process.memoryUsage();
  return {
    id: spec.id, kind: spec.kind, preset: spec.preset, batchSize, unit: 'rows/s',
    perSecond: (calls * rows) / elapsed, seconds: elapsed, memory: memory(m.heapUsed, m.arrayBuffers),
  };
}

// ---------------------------------------------------------------- the parent: every case, a table, a file

function machine(): { cpu: string; cores: number; node: string; date: string; loadAverage: number } {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: os.cpus() it is
  }
  // The load average shows whether other work shared the cores while the benchmark ran.
  return { cpu, cores: cpus().length, node: process.version, date: new Date().toISOString(), loadAverage: loadavg()[0]! };
}

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

function table(results: Measurement[]): string {
  const lines = [
    '| case | preset | protocol vs adversary | batch | throughput (mean) | best 0.25 s window | episodes/s | peak RSS MiB | peak heap MiB | array buffers MiB |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const sides = r.protocol ? `${r.protocol} vs ${r.adversary ?? '—'}` : '—';
    if (r.skipped) {
      lines.push(`| ${r.id} | ${r.preset} | ${sides} | ${r.batchSize} | skipped: ${r.skipped} | | | | | |`);
      continue;
    }
    const eps = r.episodesPerSecond === undefined ? '' : fmt(r.episodesPerSecond);
    const best = r.bestWindowPerSecond === undefined ? '' : fmt(r.bestWindowPerSecond);
    lines.push(`| ${r.id} | ${r.preset} | ${sides} | ${r.batchSize} | ${fmt(r.perSecond)} ${r.unit} | ${best} | ${eps} | ${r.memory.peakRssMiB.toFixed(0)} | ${r.memory.peakHeapMiB.toFixed(1)} | ${r.memory.arrayBuffersMiB.toFixed(1)} |`);
  }
  return lines.join('\n');
}

function phasesTable(results: Measurement[]): string {
  const withPhases = results.filter((r) => r.phases);
  if (!withPhases.length) return '';
  const keys = Object.keys(withPhases[0]!.phases!);
  const lines = [`| case | batch | ${keys.join(' | ')} |`, `|---|---:|${keys.map(() => '---:').join('|')}|`];
  for (const r of withPhases) lines.push(`| ${r.id} | ${r.batchSize} | ${keys.map((k) => `${(100 * r.phases![k]!).toFixed(0)}%`).join(' | ')} |`);
  return lines.join('\n');
}

function parent(args: string[]): void {
  const quick = args.includes('--quick');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : quick ? 0.4 : 2;
  const self = fileURLToPath(import.meta.url);
  const results: Measurement[] = [];
  for (const spec of CASES) {
    if (only && spec.id !== only) continue;
    const batches = spec.kind === 'throughput' ? BATCH_SIZES : ([1024] as const);
    for (const batchSize of batches) {
      const out = execFileSync(process.execPath, [...process.execArgv, self, '--child', spec.id, String(batchSize), String(seconds)], { encoding: 'utf8', maxBuffer: 16 * MiB });
      const measurement = JSON.parse(out.trim().split('\n').pop()!) as Measurement;
      results.push(measurement);
      const shown = measurement.skipped ? `skipped (${measurement.skipped})` : `${fmt(measurement.perSecond)} ${measurement.unit}`;
      process.stderr.write(`${spec.id} @ ${batchSize}: ${shown}\n`);
    }
  }
  const headline = results.filter((r) => CASES.find((c) => c.id === r.id && c.kind === 'throughput' && c.headline) && !r.skipped);
  const large = headline.filter((r) => r.batchSize > 1);
  const best = Math.max(0, ...large.map((r) => r.perSecond));
  const bestWindow = Math.max(0, ...large.map((r) => r.bestWindowPerSecond ?? 0));
  const info = machine();
  console.log(`## Engine benchmark\n\n${info.cpu}, ${info.cores} cores, Node ${info.node}, ${info.date}, load average ${info.loadAverage.toFixed(2)} at the end\n`);
  console.log(table(results));
  const phases = phasesTable(results);
  if (phases) console.log(`\nWhere the loop's time goes (large batches):\n\n${phases}`);
  console.log(`\nTarget: ≥ ${fmt(TARGET_DECISIONS_PER_SECOND)} agent-decisions/s for paper at large batch on one core — measured ${fmt(best)} (mean; best window ${fmt(bestWindow)}): ${best >= TARGET_DECISIONS_PER_SECOND ? 'MET' : 'MISSED'}.`);
  if (!only) {
    const file = resolve(dirname(self), '../../bench/results.json');
    writeFileSync(file, JSON.stringify({ machine: info, target: TARGET_DECISIONS_PER_SECOND, seconds, results }, null, 2) + '\n');
    console.log(`\nwrote ${file}`);
    // The verifier's own cases (bench/verify.ts), in a child process like every measurement.
    const verifyBench = resolve(dirname(self), 'verify.js');
    console.log('\n' + execFileSync(process.execPath, [verifyBench, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 16 * MiB, stdio: ['ignore', 'pipe', 'inherit'] }).trimEnd());
    // Whole-process time to learn honest-consensus against the PyTorch reference (bench/againstPyTorch.ts; skipped without torch).
    const againstPyTorch = resolve(dirname(self), 'againstPyTorch.js');
    console.log('\n' + execFileSync(process.execPath, [againstPyTorch, ...(quick ? ['--seeds', '0,1,2'] : [])], { encoding: 'utf8', maxBuffer: 16 * MiB, stdio: ['ignore', 'pipe', 'inherit'] }).trimEnd());
  }
}

function child(args: string[]): void {
  const [id, batch, seconds] = args;
  const spec = CASES.find((c) => c.id === id);
  if (!spec) throw new Error(`bench: unknown case ${id}`);
  const batchSize = Number(batch), budget = Number(seconds);
  const result = spec.kind === 'throughput' ? measureThroughput(spec, batchSize, budget) : measureRows(spec, batchSize, budget);
  console.log(JSON.stringify(result));
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') child(argv.slice(1));
else parent(argv);
