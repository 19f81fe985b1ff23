// Words for what the API sends as identifiers.
const labels: Record<string, string> = {
  pending: 'Waiting',
  processing: 'Grading',
  completed: 'Completed',
  review_pending: 'With a teacher',
  failed: 'Failed',
  task1: 'Task 1 (letter)',
  task2: 'Task 2 (essay)',
  part1: 'Part 1 (social interaction)',
  part2: 'Part 2 (solution discussion)',
  part3: 'Part 3 (topic development)',
  taskFulfilment: 'Task fulfilment',
  organisation: 'Organisation',
  vocabulary: 'Vocabulary',
  grammar: 'Grammar',
  pronunciation: 'Pronunciation',
  fluency: 'Fluency',
  discourseManagement: 'Discourse management',
  auto: 'Automatic',
  hybrid: 'Automatic, teacher checks when needed',
  human: 'Teacher',
  writing: 'Writing',
  speaking: 'Speaking',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const label = (id: string): string => labels[id] ?? id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export const dateTime = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "3 min", "2 h 5 min", "4 d 1 h": how long ago or how long until. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export const score = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : n.toFixed(1));
