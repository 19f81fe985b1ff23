// Workflow entry point for the worker's bundle: export every workflow here.
export { gradeSubmission } from './grade-submission.workflow.ts';
export { appealSubmission } from './appeal-submission.workflow.ts';
