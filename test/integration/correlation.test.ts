// The correlation id of the HTTP request that created a submission reaches the workflow (memo),
// every activity (headers) and the activities' log lines.
import { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { LogLevel, LogMetadata } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlationInterceptor } from '../../workers/activity-interceptors.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { signedIn } from '../helpers/users.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

describe('request correlation', () => {
  it('when a request carries X-Request-Id, then the workflow memo and every activity header carry it', async () => {
    const student = await signedIn(platform, 'student');
    const res = await fetch(`${platform.baseUrl}/submissions`, {
      method: 'POST',
      headers: { ...student.headers, 'x-request-id': 'req-correlation-42' },
      body: JSON.stringify({ skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter }),
    });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    const handle = platform.temporal.workflow.getHandle(workflowId);
    await handle.result();
    expect((await handle.describe()).memo).toEqual({ requestId: 'req-correlation-42' });
    const history = await handle.fetchHistory();
    const scheduled = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.map((a) => a.activityType?.name)).toEqual(['markProcessing', 'scoreSubmission', 'completeWithResult']);
    for (const a of scheduled) {
      expect(defaultPayloadConverter.fromPayload(a.header!.fields!.requestId!)).toBe('req-correlation-42');
    }
    // A client that sends none still gets one: the API assigns an id to every request.
    const plain = await submitWriting(platform);
    await platform.temporal.workflow.getHandle(plain.workflowId).result();
    const described = await platform.temporal.workflow.getHandle(plain.workflowId).describe();
    expect(described.memo?.requestId).toMatch(/^[\w-]{8,}$/);
  });

  it('when an activity logs, then its lines carry the request id from its headers', async () => {
    const lines: Array<{ message: string; meta?: LogMetadata }> = [];
    const logger = {
      log: (_level: LogLevel, message: string, meta?: LogMetadata) => lines.push({ message, meta }),
      trace: () => undefined,
      debug: () => undefined,
      info: (message: string, meta?: LogMetadata) => lines.push({ message, meta }),
      warn: (message: string, meta?: LogMetadata) => lines.push({ message, meta }),
      error: (message: string, meta?: LogMetadata) => lines.push({ message, meta }),
    };
    // What the workflow interceptor puts on the wire, then the worker's interceptor reading it.
    const fromWorkflow = () => ({
      inbound: { execute: (input: any, next: any) => next({ ...input, headers: { requestId: defaultPayloadConverter.toPayload('req-in-header') } }) },
    });
    const env = new MockActivityEnvironment(undefined, { logger, interceptors: [fromWorkflow, correlationInterceptor] });
    await env.run(async () => {
      Context.current().log.warn('scoring the essay');
    });
    const line = lines.find((l) => l.message === 'scoring the essay');
    expect(line?.meta).toMatchObject({ requestId: 'req-in-header' });
  });
});
