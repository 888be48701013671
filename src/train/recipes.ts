/**
 * Named recipes: training configs (config.ts) that are known to reach a target, kept as data.
 *
 * A preset scenario's default recipe is the one of the same name: `cgym train --scenario pki`
 * trains with the `pki` recipe unless `--recipe none` (or a `--config` file) says otherwise, and
 * any option given on the command line overrides the recipe's. Where no recipe exists the
 * config's own defaults apply. The seed paper's experiments (report/paper.ts) run these recipes.
 */
import type { TrainConfigInput } from './config.js';

export interface Recipe {
  /** What it reaches, in words, with the evidence (README and docs/EXPERIMENTS). */
  reaches: string;
  /** Why it is what it is: what failed without each part. */
  why: string;
  config: TrainConfigInput;
}

export const RECIPES: Readonly<Record<string, Recipe>> = {
  'honest-consensus': {
    reaches: 'greedy win ≥ 99% within 100 epochs (100% by epoch 30 on seeds 0–4)',
    why: 'the config defaults: a linear honest policy on centred inputs that starts patient (policy/networkFor.ts)',
    config: { scenario: 'honest-consensus' },
  },
  'slush-4v1': {
    reaches: 'majority-correct ≥ 95%',
    why: 'the config defaults',
    config: { scenario: 'slush-4v1' },
  },
  'slush-3v2': {
    reaches: 'majority-correct ≥ 95% on seeds 0–4 (Gumbel-coupled shared draws and the stop at 96%, checked every 5 epochs: they stop at epochs 465, 195, 595, 185, 275 with 95.5%, 96.0%, 96.0%, 95.9%, 95.5% on the final 10,000 episodes; EXPERIMENTS §4)',
    why:
      "The counts of a sample's answers (GAME.md §7) cap every rule we found at 94.0% (in 9/128 of the episodes nobody's first sample proves the majority and every preference is flipped); " +
      'the sample record — who answered what, each round — does not (slush-tracking: 96.8%). So the network reads the record, in the symmetric value frame (no value convention: a 64-64 ' +
      'network otherwise falls to the constant commit), with the others in canonical order, PPO, 1024 episodes per epoch (512: 2/5 seeds at 95%), learning rate 0.003, no waiting in round R. ' +
      'It stops once the greedy majority-correct rate on 2,000 evaluation episodes reaches 96% (checked every epoch), a margin over the 95% target that the final 10,000-episode evaluation judges: ' +
      'every seed sits on a 93.6–94.5% plateau for 100 to 400+ epochs before it learns to read who answered what, so a fixed length is either too short for the slow seeds or wasted on the fast ones ' +
      '(tried on seed 2, the slowest, 250 epochs each, none left the plateau sooner: twice the learning rate, entropy 0.03, 2048 or 4096 episodes per epoch, 8 update passes, GAE λ = 1; λ = 1 also kept seed 0 there past epoch 380). ' +
      'The plateau is a team convention — commit the tracked majority against one\'s own preference — that pays only when several agents adopt it, so the agents of an episode share their draws ' +
      '(sharedDraws) and try it together: seed 2 stops at epoch 328 instead of running to the 600-epoch cap at 95.2%. ' +
      'They share one Gumbel noise per absolute option (sharedDraws gumbel), not one uniform read through each agent\'s own option order (quantile): ' +
      'in the symmetric frame an agent whose input is v finds "commit v" right after "sample" and one whose input is not v at the end, so under quantile their rare commits of v never fall in the same draw. ' +
      'With gumbel every seed of 0–4 passes 95% (first at epochs 325, 180, 155, 115, 190, against 370, 405, 530, 360 and never under quantile). ' +
      'The stop is checked every 5 epochs (stopCheckEvery): on the plateau each check plays ~1,500 greedy episodes before 96% is ruled out, ' +
      'a sixth of an epoch; checking every fifth epoch made the plateau\'s epochs 20% cheaper (seed 1, 150 epochs: 152 s against 175 s) for at most 4 epochs more.',
    config: {
      scenario: 'slush-3v2',
      algo: 'ppo',
      epochs: 600,
      batch: 1024,
      honestHidden: [64, 64],
      adversaryHidden: [64, 64],
      commitAtHorizon: true,
      observation: { sampleView: 'record', valueFrame: 'symmetric', symmetricOthers: true },
      ppo: { learningRate: 0.003 },
      evalMetric: 'majorityCorrectRate',
      threshold: 0.95,
      stopAt: 0.96,
      evalEvery: 10,
      stopCheckEvery: 5,
      sharedDraws: 'gumbel',
    },
  },
  pki: {
    reaches: 'a policy the verifier proves safe (0% worst-case loss) and that wins ≥ 99% against its co-trained adversary, seeds 0–4',
    why:
      'League self-play plus counterexample-guided training (the verifier\'s attacks every 5 epochs), with the honest options that get the team talking at all under relay actions ' +
      '(values relative to the own input, a start that sends the own input, no waiting at the horizon) and the accepted message view: per other agent, the values accepted by ' +
      "Dolev–Strong's rule. With GAME.md §7's per-sender view the same recipe beat its co-trained adversary on 4 of 5 seeds but was broken by the verifier in 12.5–75% of chance outcomes. " +
      'It stops at the first verification that proves the greedy policy safe (no adversary makes it lose: every later one had proven the same through epoch 300 on seeds 0–2, at epochs 55, 45, 65 on; ' +
      'the 250 epochs after it were four fifths of the run\'s time).',
    config: {
      scenario: 'pki',
      schedule: 'league',
      epochs: 300,
      honestHidden: [32, 16],
      adversaryHidden: [32, 16],
      messageBias: 2,
      commitAtHorizon: true,
      observation: { valueFrame: 'own-input', messageView: 'accepted' },
      verifyEvery: 5,
      counterexamples: {},
      stopWhenVerifiedSafe: true,
    },
  },
};

/** The recipe a preset scenario names by default (its own name), or undefined. */
export function defaultRecipe(scenario: unknown): string | undefined {
  return typeof scenario === 'string' && Object.hasOwn(RECIPES, scenario) ? scenario : undefined;
}
