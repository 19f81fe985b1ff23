// Workflow entry point for the worker's bundle: export every workflow here.
export { completeReviewUpdate, gradeSubmission, gradingStateQuery } from './grade-submission.workflow.ts';
