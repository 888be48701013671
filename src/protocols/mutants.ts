/**
 * Building blocks of protocol mutants (`HonestProtocol.mutants`, the robustness hunt): how a mutant
 * is named and described, and the broken variants of shared helpers that several protocols' mutants
 * use. A protocol declares its mutants next to its own code (majority.ts, phaseKing.ts): each is
 * the protocol built with one option flipped, so the mutant runs the same code as the original but
 * for the one mistake.
 */
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol, ProtocolMutant } from './types.js';

/**
 * The mutant `<base.name>:<mutation>` of `base`, running `act` (and `memorySlots`, `refuse` when
 * given) instead of the original's; everything else is the original's — its declarations for the
 * verifier too (agent roles, message tags, visible origins): one mistake keeps what the program
 * reads and whom it treats alike, and the verifier checks each declaration on the mutant before
 * relying on it (the hunt verifies without them where a check fails: hunt.ts).
 */
export function mutantOf(base: HonestProtocol, mutation: string, description: string, changed: Pick<HonestProtocol, 'act'> & Partial<Pick<HonestProtocol, 'memorySlots' | 'refuse'>>): ProtocolMutant {
  const name = `${base.name}:${mutation}`;
  const protocol: HonestProtocol = {
    name,
    summary: `mutant of ${base.name}: ${description}`,
    assumptions: `none: a deliberately broken variant of ${base.name} (the robustness hunt)`,
    source: `${base.name} with one mutation (cgym hunt)`,
    memorySlots: changed.memorySlots ?? base.memorySlots,
    // The original's refusals, under the mutant's name: it runs where the original runs.
    refuse: changed.refuse ?? ((scenario) => base.refuse(scenario)?.replace(new RegExp(`^${base.name}:`), `${name}:`)),
    act: changed.act,
    ...(base.agentRoles && { agentRoles: base.agentRoles }),
    ...(base.messageTags && { messageTags: base.messageTags }),
    ...(base.visibleOrigins && { visibleOrigins: base.visibleOrigins }),
  };
  return { mutation, description, protocol };
}

/**
 * A mutant's `refuse` for a mutation that only means something where `applies` (elsewhere it
 * plays exactly like the original or another mutant, `why`); where it applies, the original's
 * refusals under the mutant's name `name`.
 */
export function refuseUnless(base: HonestProtocol, name: string, applies: (scenario: Scenario) => boolean, why: string): HonestProtocol['refuse'] {
  return (scenario) => (applies(scenario) ? base.refuse(scenario)?.replace(new RegExp(`^${base.name}:`), `${name}:`) : `${name}: ${why} (got f=${scenario.f})`);
}

/**
 * `plurality` (plurality.ts) with the tie rule flipped: ties (and an empty count) go to the
 * largest value.
 */
export function pluralityTiesLargest(counts: Int32Array, V: number): number {
  let best = V - 1;
  for (let v = V - 2; v >= 0; v--) if (counts[v]! > counts[best]!) best = v;
  return best;
}
