// The most common test action: a student submits a writing task through the API.
import { expect } from 'vitest';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import type { TestPlatform } from './platform.ts';
import { writingBody } from './tasks.ts';
import { signedIn, type TestUser } from './users.ts';

export interface Submitted {
  id: string;
  workflowId: string;
  student: TestUser;
}

/**
 * POSTs the holiday letter (or `body`) as `student` (a new one by default); expects 202. A body
 * with a `mode` answers a bank task with that mode and prompt (see tasks.ts).
 */
export async function submitWriting(
  platform: TestPlatform,
  { student, body = {} }: { student?: TestUser; body?: Record<string, unknown> } = {},
): Promise<Submitted> {
  const author = student ?? (await signedIn(platform, 'student'));
  const res = await fetch(`${platform.baseUrl}/submissions`, {
    method: 'POST',
    headers: author.headers,
    body: JSON.stringify(await writingBody(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter, ...body })),
  });
  expect(res.status).toBe(202);
  const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
  return { id, workflowId, student: author };
}
