/**
 * The league schedule's opponents: each side trains against a sample of the other side's past
 * checkpoints, so that the two learners cannot chase each other round in a cycle (the adversary
 * forgets an attack, the honest side forgets the defence, the attack comes back) or collapse onto
 * a best response to only the latest opponent (the paper's constant commit).
 *
 * - Snapshots: the weights of each learned side after epochs 0 (the initialisation), K, 2K, …
 *   are written to `checkpoints/league/<side>-<epoch>.json` in the run folder.
 * - The pool at the start of epoch e: the last `poolSize` snapshots taken before e (a pure
 *   function of e, so a resumed run rebuilds it from the files).
 * - The draw: with probability `latestShare` the opponent is the other side's current network
 *   (the latest stays in the mix), otherwise a uniform pick from the pool; one draw per side per
 *   epoch, from a stream seeded by (run seed, epoch, side): deterministic, and resume-exact.
 * - `league.jsonl` records each epoch's two draws (truncated with the metrics on a resume).
 */
import { makeFolders } from '../game/makeFolders.js';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { nextFloat, nextInt, seedStream } from '../game/rng.js';
import { PolicyNetwork, type SavedPolicy } from '../policy/PolicyNetwork.js';
import { paths, readJson, readJsonLinesLenient, truncateJsonLines, writeJson } from './runFolder.js';

export interface LeagueOptions {
  /** Snapshots of each side kept in its pool (the most recent ones). */
  poolSize?: number;
  /** Epochs between snapshots (a snapshot after epoch 0, K, 2K, …). */
  snapshotEvery?: number;
  /** Probability that an epoch's opponent is the other side's current network. */
  latestShare?: number;
}

export const LEAGUE_DEFAULTS: Required<LeagueOptions> = { poolSize: 8, snapshotEvery: 5, latestShare: 0.5 };

export type LeagueSide = 'honest' | 'adversary';
/** An epoch's opponent: the other side's current network, or its snapshot after that epoch. */
export type Opponent = 'latest' | number;

/** Snapshot epochs in the pool at the start of `epoch` (≥ 1), oldest first. */
export function poolEpochs(epoch: number, o: Required<LeagueOptions>): number[] {
  const last = Math.floor((epoch - 1) / o.snapshotEvery) * o.snapshotEvery;
  const out: number[] = [];
  for (let s = last; s >= 0 && out.length < o.poolSize; s -= o.snapshotEvery) out.unshift(s);
  return out;
}

/** Whether a snapshot is taken after `epoch` (0 = the initial weights). */
export const snapshotDue = (epoch: number, o: Required<LeagueOptions>): boolean => epoch % o.snapshotEvery === 0;

const LEAGUE_SEED_OFFSET = 0x6c078965;
const SIDE_INDEX: Record<LeagueSide, number> = { honest: 0, adversary: 1 };

/** The opponent the learning `side` plays in `epoch` (one draw of the (seed, epoch, side) stream). */
export function drawOpponent(seed: number, epoch: number, side: LeagueSide, pool: readonly number[], latestShare: number): Opponent {
  const state = new Uint32Array(4);
  seedStream(state, 0, (seed + LEAGUE_SEED_OFFSET) >>> 0, epoch, SIDE_INDEX[side]);
  if (pool.length === 0 || nextFloat(state, 0) < latestShare) return 'latest';
  return pool[nextInt(state, 0, pool.length)]!;
}

export const leaguePaths = (dir: string) => ({
  snapshots: join(dir, 'checkpoints', 'league'),
  snapshot: (side: LeagueSide, epoch: number) => join(dir, 'checkpoints', 'league', `${side}-${epoch}.json`),
  log: paths(dir).league,
});

/** One line of league.jsonl: whom each learner played in an epoch. */
export interface LeagueDraw {
  epoch: number;
  /** The adversary the learning honest side played. */
  honestOpponent: Opponent;
  /** The honest side the learning adversary played. */
  adversaryOpponent: Opponent;
}

export function appendLeagueDraw(dir: string, draw: LeagueDraw): void {
  appendFileSync(leaguePaths(dir).log, JSON.stringify(draw) + '\n');
}

/** The draws of a run, leniently (any line that is not JSON is skipped): for showing a run. */
export function readLeagueDraws(dir: string): LeagueDraw[] {
  return readJsonLinesLenient<LeagueDraw>(leaguePaths(dir).log);
}

/** Keeps the draws of epochs 1..epoch (what the checkpoint covers); strict, one draw per epoch. */
export function truncateLeagueDraws(dir: string, epoch: number): void {
  if (existsSync(leaguePaths(dir).log)) truncateJsonLines(leaguePaths(dir).log, epoch, true);
}

/**
 * One side's snapshots: written to the run folder, loaded on demand as frozen players (`wrap`
 * turns a network into a HonestProtocol or an Adversary), disposed when they leave the pool.
 */
export class LeaguePool<Player> {
  private readonly loaded = new Map<number, { network: PolicyNetwork; player: Player }>();

  constructor(
    private readonly dir: string,
    readonly side: LeagueSide,
    private readonly wrap: (network: PolicyNetwork, epoch: number) => Player,
  ) {
    makeFolders(leaguePaths(dir).snapshots);
  }

  /** Saves the side's network after `epoch` (a saved policy, loadable like a checkpoint's). */
  save(epoch: number, network: PolicyNetwork): void {
    writeJson(leaguePaths(this.dir).snapshot(this.side, epoch), network.toJSON());
  }

  /** The frozen player of the snapshot after `epoch`; snapshots outside `pool` are let go. */
  player(epoch: number, pool: readonly number[]): Player {
    for (const [e, { network }] of this.loaded)
      if (!pool.includes(e)) {
        network.dispose();
        this.loaded.delete(e);
      }
    let entry = this.loaded.get(epoch);
    if (!entry) {
      const network = PolicyNetwork.fromJSON(readJson<SavedPolicy>(leaguePaths(this.dir).snapshot(this.side, epoch), `league snapshot ${this.side} ${epoch}`));
      entry = { network, player: this.wrap(network, epoch) };
      this.loaded.set(epoch, entry);
    }
    return entry.player;
  }

  dispose(): void {
    for (const { network } of this.loaded.values()) network.dispose();
    this.loaded.clear();
  }
}
