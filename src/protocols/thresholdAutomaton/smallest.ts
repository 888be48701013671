/**
 * The ByMC files of examples/bymc, each at its smallest size inside its assumptions with one fault
 * (T = F = 1 where it has T): the protocol and specification tests and the results table
 * (bench/bymcTable.ts) run them here.
 */

export type SmallestSize = [file: string, n: number, f: number, faults: 'byzantine' | 'crash', params: string];

export const SMALLEST: readonly SmallestSize[] = [
  ['strb', 4, 1, 'byzantine', 'T=1'],
  ['aba', 4, 1, 'byzantine', 'T=1'],
  ['bosco', 4, 1, 'byzantine', 'T=1'],
  ['bcrb', 4, 1, 'byzantine', 'Tb=1,Tc=0,Fb=1,Fc=0'],
  ['n-rabc', 4, 1, 'byzantine', 'T=1'],
  ['ben-or', 3, 1, 'crash', 'T=1,Fi=0,Fe=1'],
  ['cc', 3, 1, 'crash', 'T=1'],
  ['c1cs', 4, 1, 'crash', 'T=1'],
  ['cf1s', 4, 1, 'crash', 'T=1'],
  ['frb', 2, 1, 'crash', 'T=1'],
  ['nbacg', 2, 1, 'crash', ''],
  ['nbacr', 2, 1, 'crash', ''],
];

/** The files the bymc README gives a published verdict for (every safety specification holds): all but n-rabc. */
export const PUBLISHED: readonly SmallestSize[] = SMALLEST.filter(([file]) => file !== 'n-rabc');
