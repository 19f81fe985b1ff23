// The API's JSON shapes the console reads (see /openapi.json for the full contract).
export type Status = 'pending' | 'processing' | 'completed' | 'review_pending' | 'failed';
export type Skill = 'writing' | 'speaking';
export type Mode = 'auto' | 'hybrid' | 'human';

export interface CriterionResult {
  score: number;
  evidence?: string[];
  feedback?: string | null;
  estimated?: boolean;
}

export interface Result {
  overall: number;
  level: string | null;
  criteria: Record<string, CriterionResult>;
  feedback: string | null;
  source: 'ai' | 'human';
  provider: string;
  model: string | null;
  confidence: number | null;
  routing: { needsReview: boolean; reasons: string[] } | null;
  gradedAt: string;
}

export interface Submission {
  id: string;
  skill: Skill;
  task: string;
  mode: Mode;
  status: Status;
  createdAt: string;
  updatedAt: string;
  deadlineAt: string;
  slaBreached: boolean;
  workflowId: string;
  wordCount: number | null;
  failureReason: string | null;
  prompt?: string;
  text?: string;
  audio?: { format: string; bytes: number | null; durationSeconds: number | null; url: string } | null;
  transcript?: { text: string; confidence: number } | null;
  result: Result | null;
  aiDraft?: Result | null;
  review: {
    id: string;
    priority: Priority;
    status: string;
    reasons: string[];
    dueAt: string;
    claimedBy?: string | null;
    leaseExpiresAt?: string | null;
  } | null;
}

export type Priority = 'low' | 'medium' | 'high';

export interface Review {
  id: string;
  submissionId: string;
  priority: Priority;
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  reasons: string[];
  note: string | null;
  dueAt: string;
  claimedBy: string | null;
  leaseExpiresAt: string | null;
  completedAt: string | null;
  createdAt: string;
  skill?: Skill;
  task?: string;
  mode?: Mode;
  wordCount?: number | null;
}

export interface ProgressPoint {
  submissionId: string;
  task: string;
  overall: number;
  level: string | null;
  gradedAt: string;
}

export interface SkillProgress {
  graded: number;
  latest: ProgressPoint | null;
  best: ProgressPoint | null;
  average: number | null;
  levelReached: string | null;
  trend: { direction: string; slope: number | null; points: ProgressPoint[] };
  criteria: Array<{ criterion: string; average: number; count: number }>;
}

export interface Settings {
  temporalUiUrl: string | null;
  temporalNamespace: string;
  wordMinimum: Record<string, number>;
}
