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
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
  upcoming: 'Upcoming',
  open: 'Open',
  closed: 'Closed',
  en: 'English',
  // Which marking a review is, and where a result came from.
  first: 'First mark',
  second: 'Second mark',
  adjudication: 'Adjudication',
  appeal: 'Appeal',
  ai: 'Automatic',
  double_marked: 'Double-marked',
  adjudicated: 'Adjudicated',
  override: 'Override',
  upheld: 'Upheld',
  changed: 'Changed',
  cancelled: 'Cancelled',
  student: 'Student',
  grader: 'Grader',
  senior: 'Senior grader',
  admin: 'Admin',
  second_marking: 'Second marking',
  low_confidence: 'Low confidence',
  uncalibrated: 'Scorer not calibrated',
  marks_disagree: 'Marks disagree',
  levels_differ: 'Levels differ',
  'mark.recorded': 'Mark recorded',
  'result.finalised': 'Result finalised',
  'result.overridden': 'Result overridden',
  'appeal.opened': 'Appeal opened',
  'appeal.decided': 'Appeal decided',
  'user.role_changed': 'Role changed',
  'submission.redriven': 'Submission re-driven',
  'submission.deleted': 'Submission deleted',
  vi: 'Vietnamese (Tiếng Việt)',
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

/** A live countdown: "2 d 3 h", "1 h 5 min 9 s", "4 min 0 s", "9 s". */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days >= 2) return `${days} d ${hours} h`;
  if (days > 0 || hours > 0) return `${days * 24 + hours} h ${minutes} min ${seconds} s`;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

export const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** A signed number to 2 decimals ("+0.25", "−0.50"), or a dash when there is none. */
export const signed = (n: number | null | undefined): string =>
  n === null || n === undefined ? '–' : `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n).toFixed(2)}`;

/** A share as a percentage, or a dash when there is none. */
export const share = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : percent(n));

/** A kappa to 2 decimals, or a dash when it is undefined. */
export const kappa = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : n.toFixed(2));

export const score = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : n.toFixed(1));
