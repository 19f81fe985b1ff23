// Custom search attributes for ops: filter gradings in the Temporal Web UI by skill, task,
// mode, status and review priority (e.g. `VstepStatus = "review_pending" AND VstepReviewPriority = "high"`).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const skillAttribute = defineSearchAttributeKey('VstepSkill', SearchAttributeType.KEYWORD);
export const taskAttribute = defineSearchAttributeKey('VstepTask', SearchAttributeType.KEYWORD);
export const modeAttribute = defineSearchAttributeKey('VstepMode', SearchAttributeType.KEYWORD);
export const statusAttribute = defineSearchAttributeKey('VstepStatus', SearchAttributeType.KEYWORD);
export const reviewPriorityAttribute = defineSearchAttributeKey('VstepReviewPriority', SearchAttributeType.KEYWORD);

export const gradingSearchAttributes = [skillAttribute, taskAttribute, modeAttribute, statusAttribute, reviewPriorityAttribute];
