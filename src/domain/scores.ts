// VSTEP score arithmetic. Scores are 0-10 in steps of 0.5; overall scores are computed here,
// never taken from a model. All rounding works on whole half-points so it is exact.

export const skills = ['writing', 'speaking'] as const;
export type Skill = (typeof skills)[number];

export const writingTasks = ['task1', 'task2'] as const;
export const speakingTasks = ['part1', 'part2', 'part3'] as const;
export type WritingTask = (typeof writingTasks)[number];
export type SpeakingTask = (typeof speakingTasks)[number];
export type Task = WritingTask | SpeakingTask;
export const tasks = [...writingTasks, ...speakingTasks] as const;

export const writingCriteria = ['taskFulfilment', 'organisation', 'vocabulary', 'grammar'] as const;
export const speakingCriteria = ['grammar', 'vocabulary', 'pronunciation', 'fluency', 'discourseManagement'] as const;
export type WritingCriterion = (typeof writingCriteria)[number];
export type SpeakingCriterion = (typeof speakingCriteria)[number];
export type Criterion = WritingCriterion | SpeakingCriterion;

export const criteriaFor = { writing: writingCriteria, speaking: speakingCriteria } as const;

/** Minimum word counts of the writing tasks. */
export const wordMinimum: Record<WritingTask, number> = { task1: 120, task2: 250 };

export const levels = ['B1', 'B2', 'C1'] as const;
/** A score's level; null below B1 (under 4.0). */
export type Level = (typeof levels)[number] | null;

export const gradingModes = ['auto', 'hybrid', 'human'] as const;
export type GradingMode = (typeof gradingModes)[number];

export function isValidScore(score: number): boolean {
  return Number.isFinite(score) && score >= 0 && score <= 10 && Number.isInteger(score * 2);
}

/** round(numerator / denominator) with halves rounded up, on non-negative integers. */
function roundHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * The weighted mean of scores on the 0.5 grid, rounded to the nearest 0.5 (ties go up, as
 * VSTEP rounds: 6.25 -> 6.5, 6.75 -> 7.0). Weights are whole numbers.
 */
export function weightedHalfPointMean(entries: ReadonlyArray<{ score: number; weight?: number }>): number {
  if (entries.length === 0) throw new RangeError('no scores to combine');
  let halves = 0;
  let weights = 0;
  for (const { score, weight = 1 } of entries) {
    if (!isValidScore(score)) throw new RangeError(`score ${score} is not on the 0-10 half-point grid`);
    if (!Number.isInteger(weight) || weight < 1) throw new RangeError(`weight ${weight} is not a positive integer`);
    halves += Math.round(score * 2) * weight;
    weights += weight;
  }
  return roundHalfUp(halves, weights) / 2;
}

/** A response's overall score: the mean of its criterion scores, rounded to the nearest 0.5. */
export function overallScore(criteria: Readonly<Record<string, { score: number }>>): number {
  return weightedHalfPointMean(Object.values(criteria));
}

/** Rounds any number in 0-10 to the nearest 0.5 (ties up); used to map raw features onto the grid. */
export function toHalfPointGrid(value: number): number {
  const clamped = Math.min(10, Math.max(0, value));
  return Math.floor(clamped * 2 + 0.5) / 2;
}

export function levelFor(score: number): Level {
  if (!isValidScore(score)) throw new RangeError(`score ${score} is not on the 0-10 half-point grid`);
  if (score < 4) return null;
  if (score <= 5.5) return 'B1';
  if (score <= 8) return 'B2';
  return 'C1';
}

/** The tasks that make up each skill in one sitting of the exam. */
export const tasksOf = { writing: writingTasks, speaking: speakingTasks } as const;

/**
 * A skill's score from its task scores, as VSTEP computes it: writing = (Task 1 + 2 × Task 2) / 3,
 * speaking = the mean of Parts 1–3, rounded to the nearest 0.5 (ties up). Null until every task
 * of the skill has a score.
 */
export function skillScore(skill: Skill, taskScores: Readonly<Partial<Record<Task, number>>>): number | null {
  if (skill === 'writing') {
    const { task1, task2 } = taskScores;
    if (task1 === undefined || task2 === undefined) return null;
    return weightedHalfPointMean([{ score: task1 }, { score: task2, weight: 2 }]);
  }
  const parts = speakingTasks.map((t) => taskScores[t]);
  if (parts.some((p) => p === undefined)) return null;
  return weightedHalfPointMean(parts.map((score) => ({ score: score! })));
}
