/**
 * Every protocol and adversary by its command-line name. Every command resolves names here, so a
 * name works wherever a protocol or an adversary is asked for.
 */
import type { Scenario } from '../game/scenario.js';
import { randomProtocol } from './random.js';
import { majorityProtocol } from './majority.js';
import { phaseKingProtocol } from './phaseKing.js';
import { eigProtocol } from './eig.js';
import { dolevStrongProtocol } from './dolevStrong.js';
import { slushProtocol } from './slush.js';
import { slushEarlyCommitProtocol } from './slushEarlyCommit.js';
import { slushTrackingProtocol } from './slushTracking.js';
import { snowflakeProtocol } from './snowflake.js';
import { benOrProtocol } from './benOr.js';
import { floodSetProtocol } from './floodSet.js';
import { silentAdversary } from './adversaries/silent.js';
import { randomAdversary } from './adversaries/random.js';
import { equivocateAdversary } from './adversaries/equivocate.js';
import { crashAdversary } from './adversaries/crash.js';
import { lieRelaysAdversary } from './adversaries/lieRelays.js';
import { withholdRelaysAdversary } from './adversaries/withholdRelays.js';
import { fuzzAdversary } from './adversaries/fuzz.js';
import { automatonProtocol, isAutomatonName } from './thresholdAutomaton/protocol.js';
import { RefusedError, type Adversary, type HonestProtocol } from './types.js';

export const PROTOCOLS: readonly HonestProtocol[] = [
  randomProtocol,
  majorityProtocol,
  phaseKingProtocol,
  eigProtocol,
  dolevStrongProtocol,
  slushProtocol,
  slushEarlyCommitProtocol,
  slushTrackingProtocol,
  snowflakeProtocol,
  benOrProtocol,
  floodSetProtocol,
];
export const ADVERSARIES: readonly Adversary[] = [
  silentAdversary,
  randomAdversary,
  equivocateAdversary,
  crashAdversary,
  lieRelaysAdversary,
  withholdRelaysAdversary,
  fuzzAdversary,
];

function byName<T extends { name: string }>(list: readonly T[], kind: string, name: string): T {
  const found = list.find((x) => x.name === name);
  if (!found) throw new RefusedError(`unknown ${kind} "${name}" (known: ${list.map((x) => x.name).join(', ')})`);
  return found;
}

/**
 * The protocol named `name` — a registry name, a threshold automaton `FILE.ta` (`FILE.ta[T=1]` with
 * parameters), or a mutant `<protocol>:<mutation>` (the protocol's `mutants()`, the robustness
 * hunt); with a scenario, refuses (RefusedError, one line) where it cannot run.
 */
export function getProtocol(name: string, scenario?: Scenario): HonestProtocol {
  const protocol = isAutomatonName(name) ? automatonProtocol(name) : name.includes(':') ? getMutant(name) : byName(PROTOCOLS, 'protocol', name);
  const why = scenario && protocol.refuse(scenario);
  if (why) throw new RefusedError(why);
  return protocol;
}

/** Whether `name` names a registry protocol or one of its mutants (without throwing). */
export function isProtocolName(name: string): boolean {
  try {
    getProtocol(name);
    return true;
  } catch (error) {
    if (error instanceof RefusedError) return false;
    throw error;
  }
}

/** The mutant `<base>:<mutation>`: the part after the last `:` names the mutation of the protocol before it. */
function getMutant(name: string): HonestProtocol {
  const at = name.lastIndexOf(':');
  const base = getProtocol(name.slice(0, at));
  const mutation = name.slice(at + 1);
  const mutants = base.mutants?.() ?? [];
  const found = mutants.find((m) => m.mutation === mutation);
  if (!found) {
    const known = mutants.length ? `known: ${mutants.map((m) => m.mutation).join(', ')}` : `${base.name} declares no mutants`;
    throw new RefusedError(`unknown mutant "${name}" of ${base.name} (${known})`);
  }
  return found.protocol;
}

/** The adversary named `name`; with a scenario, refuses where it cannot run. */
export function getAdversary(name: string, scenario?: Scenario): Adversary {
  const adversary = byName(ADVERSARIES, 'adversary', name);
  const why = scenario && adversary.refuse(scenario);
  if (why) throw new RefusedError(why);
  return adversary;
}
