// Activity interceptor: reads the request correlation id the workflow put in the activity's
// headers (workflows/interceptors.ts) and attaches it to every log line of the activity.
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { requestIdHeader } from '../src/grading/contract.ts';

export const correlationInterceptor: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        const header = input.headers[requestIdHeader];
        if (header) requestId = defaultPayloadConverter.fromPayload<string>(header);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(requestId ? { ...input, requestId } : input);
      },
    },
  };
};
