// Workflow interceptors (bundled with the workflows): the correlation id of the HTTP request
// that created a submission (kept in the workflow's memo) rides along in every activity's
// headers and is attached to every workflow log line.
import { defaultPayloadConverter, workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';
import { requestIdHeader } from '../src/grading/contract.ts';

function requestId(): string | undefined {
  const value = workflowInfo().memo?.[requestIdHeader];
  return typeof value === 'string' ? value : undefined;
}

export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        const id = requestId();
        return next(id ? { ...input, headers: { ...input.headers, [requestIdHeader]: defaultPayloadConverter.toPayload(id) } } : input);
      },
      getLogAttributes(input, next) {
        const id = requestId();
        return next(id ? { ...input, requestId: id } : input);
      },
    },
  ],
});
