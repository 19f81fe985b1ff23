// The API's JSON shapes, as the console reads them: names for the types generated from the
// OpenAPI document (api-types.ts, written by npm run build:web). Nothing here declares a shape.
import type { components } from './api-types.ts';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Session = Schemas['Session'];
export type Problem = Schemas['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];
export type Submission = Schemas['Submission'];
export type SubmissionDetail = Schemas['SubmissionDetail'];
export type SubmissionPage = Schemas['SubmissionPage'];
export type Result = Schemas['Result'];
export type CriterionResult = Result['criteria'][string];
export type ReviewQueue = Schemas['ReviewQueue'];
export type ReviewQueueItem = Schemas['ReviewQueueItem'];
export type Review = Schemas['Review'];
export type Progress = Schemas['Progress'];
export type SkillProgress = Progress['skills']['writing'];
export type ProgressPoint = SkillProgress['trend']['points'][number];
export type Settings = Schemas['ConsoleSettings'];
export type SubmissionEvent = Schemas['SubmissionEvent'];
export type ReviewDecision = Schemas['ReviewDecision'];
export type ExamTask = Schemas['ExamTask'];
export type ExamTaskPage = Schemas['ExamTaskPage'];
export type TaskPolicy = ExamTask['policy'];
export type TaskStatus = ExamTask['status'];
export type FeedbackLanguage = TaskPolicy['feedbackLanguage'];
export type Sitting = Schemas['Sitting'];
export type SittingList = Schemas['SittingList'];
export type SittingState = Sitting['state'];
export type SittingTask = Sitting['tasks'][number];
export type SittingAttempt = NonNullable<Sitting['attempts']>[number];
export type Attempt = Schemas['Attempt'];
export type AttemptTaskResult = NonNullable<Attempt['skills']['writing']['tasks'][string]>;
export type AnsweredTask = NonNullable<SubmissionDetail['examTask']>;

export type Status = Submission['status'];
export type Skill = Submission['skill'];
export type Task = Submission['task'];
export type Mode = Submission['mode'];
export type Priority = Review['priority'];

export type ReviewKind = Review['kind'];
export type Mark = Schemas['Mark'];
export type Marking = Schemas['Marking'];
export type Appeal = Schemas['Appeal'];
export type ResultSource = Result['source'];
export type ResultOverride = Schemas['ResultOverride'];
export type Account = Schemas['Account'];
export type AccountPage = Schemas['AccountPage'];
export type Role = User['role'];
export type RaterAgreement = Schemas['RaterAgreement'];
export type GraderAgreement = Schemas['GraderAgreement'];
export type AuditRecord = Schemas['AuditRecord'];
export type AuditPage = Schemas['AuditPage'];
export type AuditAction = AuditRecord['action'];
