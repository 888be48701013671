/**
 * The classic protocol of a setting, in one table: what a learned protocol's rounds and messages
 * are measured against. The first row whose conditions the scenario meets is its classic. A row
 * names a registry protocol, played and verified in the engine: a comparison is a measurement.
 */
import type { Scenario } from '../game/scenario.js';

/** The bound on n a row needs (f = 0 needs no bound). */
type Bound = 'f=0' | 'n>3f' | 'n>4f' | 'n<=3f' | 'any';

export interface ClassicRow {
  /** The row's conditions: each listed key must hold one of its values. */
  problem?: readonly Scenario['problem'][];
  faults?: readonly Scenario['faults'][];
  timing?: readonly Scenario['timing'][];
  identity?: readonly Scenario['identity'][];
  actions?: readonly Scenario['honestActions'][];
  bound: Bound;
  /** The classic protocol's name, as the literature calls it. */
  classic: string;
  /** Its registry name (`cgym protocols`). */
  protocol: string;
  source: string;
  /** Said beside the comparison (an impossible setting's classic is a reference, not a correct protocol). */
  note?: string;
}

const meets = (bound: Bound, { n, f }: Scenario): boolean =>
  bound === 'any' || (bound === 'f=0' ? f === 0 : bound === 'n>3f' ? n > 3 * f : bound === 'n>4f' ? n > 4 * f : n <= 3 * f);

export const CLASSIC_PROTOCOLS: readonly ClassicRow[] = [
  { bound: 'f=0', timing: ['sync'], actions: ['paper', 'free', 'relay'], classic: 'majority', protocol: 'majority', source: 'the seed paper\'s optimum for honest-consensus (GAME.md §9)' },
  { bound: 'f=0', actions: ['slush', 'sampling'], classic: 'Slush', protocol: 'slush', source: 'Team Rocket 2018, "Snowflake to Avalanche", §2.1' },
  { bound: 'any', problem: ['broadcast', 'interactive-consistency'], faults: ['byzantine'], timing: ['sync'], identity: ['pki'], actions: ['relay'], classic: 'Dolev–Strong', protocol: 'dolev-strong', source: 'Dolev & Strong, SIAM J. Comput. 1983' },
  { bound: 'n>3f', faults: ['byzantine'], timing: ['sync'], identity: ['authenticated', 'pki'], actions: ['relay'], classic: 'OM(f) / EIG', protocol: 'eig', source: 'Lamport, Shostak & Pease, TOPLAS 1982' },
  { bound: 'n>4f', problem: ['agreement'], faults: ['byzantine'], timing: ['sync'], identity: ['authenticated', 'pki'], actions: ['free'], classic: 'phase king', protocol: 'phase-king', source: 'Berman, Garay & Perry, FOCS 1989' },
  { bound: 'any', problem: ['agreement'], faults: ['crash'], timing: ['sync'], classic: 'FloodSet', protocol: 'floodset', source: 'Lynch, Distributed Algorithms (1996), §6.2' },
  { bound: 'any', problem: ['agreement'], faults: ['crash', 'omission'], classic: 'Ben-Or', protocol: 'ben-or', source: 'Ben-Or, PODC 1983' },
  {
    bound: 'n<=3f', faults: ['byzantine'], identity: ['authenticated', 'anonymous'], actions: ['paper', 'free', 'relay'], classic: 'majority (no protocol is correct here)', protocol: 'majority',
    source: 'Fischer, Lynch & Merritt, Distributed Computing 1986', note: 'n ≤ 3f without signatures: no protocol wins every episode; majority is the seed paper\'s honest side',
  },
];

/** The classic row of a scenario (the first that matches), or undefined where the table has none. */
export function classicFor(scenario: Scenario): ClassicRow | undefined {
  return CLASSIC_PROTOCOLS.find((row) =>
    meets(row.bound, scenario)
    && (row.problem?.includes(scenario.problem) ?? true)
    && (row.faults?.includes(scenario.faults) ?? true)
    && (row.timing?.includes(scenario.timing) ?? true)
    && (row.identity?.includes(scenario.identity) ?? true)
    && (row.actions?.includes(scenario.honestActions) ?? true));
}

/**
 * Why no protocol can win every episode of the scenario, from the literature, or undefined where
 * one can: Byzantine agreement (or broadcast) with n ≤ 3f and no signatures (Fischer, Lynch &
 * Merritt 1986; Lamport, Shostak & Pease 1982).
 */
export function impossibility(scenario: Scenario): string | undefined {
  const { n, f, faults, identity, timing } = scenario;
  if (f >= 1 && faults === 'byzantine' && identity !== 'pki' && n <= 3 * f)
    return `no deterministic protocol is safe here: n=${n} ≤ 3f=${3 * f} Byzantine agents without signatures (the FLM bound: Fischer, Lynch & Merritt 1986); discover reports the best verified worst case it reaches`;
  if (f >= 1 && timing === 'async' && faults !== 'byzantine')
    return `no deterministic protocol both decides and agrees here: asynchronous with a crash (FLP: Fischer, Lynch & Paterson 1985); discover reports the best verified worst case it reaches`;
  return undefined;
}
