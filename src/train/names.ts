/**
 * The names of the learning algorithms and self-play schedules, apart from the trainer so that the
 * command line can list them without loading TensorFlow.js.
 */
export type Algo = 'reinforce' | 'ppo';
export type Schedule = 'honest' | 'adversary' | 'simultaneous' | 'alternating' | 'league';
export const ALGOS: readonly Algo[] = ['reinforce', 'ppo'];
export const SCHEDULES: readonly Schedule[] = ['honest', 'adversary', 'simultaneous', 'alternating', 'league'];

/** The greedy evaluation's rates a run can be judged by (`evalMetric`). */
export type EvalMetric = 'winRate' | 'majorityCorrectRate';
export const EVAL_METRICS: readonly EvalMetric[] = ['winRate', 'majorityCorrectRate'];
