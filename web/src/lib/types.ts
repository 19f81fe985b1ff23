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

export type Status = Submission['status'];
export type Skill = Submission['skill'];
export type Mode = Submission['mode'];
export type Priority = Review['priority'];
