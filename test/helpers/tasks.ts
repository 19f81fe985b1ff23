// Tasks of the bank for tests: a published task with the given prompt and marking mode, made
// once per platform and reused. A test that needs a mode answers such a task (students never
// choose their mode); one that answers free practice sends today's prompt body.
import type { GradingMode, Skill, Task } from '../../src/domain/scores.ts';
import type { TestPlatform } from './platform.ts';

export interface BankTaskSpec {
  skill: Skill;
  task: Task;
  prompt: string;
  mode: GradingMode;
  status?: 'draft' | 'published' | 'archived';
  title?: string;
  questions?: string[];
  graderNotes?: string;
  /** Share of answers drawn for a blind second mark (0-1). */
  secondMarkingRate?: number;
}

const made = new WeakMap<TestPlatform, Map<string, Promise<string>>>();

/** The id of a task of the bank as specified (published by default), created on first use. */
export function bankTask(platform: TestPlatform, spec: BankTaskSpec): Promise<string> {
  const byKey = made.get(platform) ?? new Map<string, Promise<string>>();
  made.set(platform, byKey);
  const key = JSON.stringify(spec);
  let id = byKey.get(key);
  if (!id) {
    const { status = 'published', title = `${spec.task} (${spec.mode})`, questions = [], ...rest } = spec;
    id = platform.prisma.examTask
      .create({
        data: {
          ...rest,
          familyId: crypto.randomUUID(),
          title,
          questions,
          status,
          publishedAt: status === 'draft' ? null : new Date(),
          archivedAt: status === 'archived' ? new Date() : null,
        },
        select: { id: true },
      })
      .then((row) => row.id);
    byKey.set(key, id);
  }
  return id;
}

/**
 * A writing body in the shape the API takes: with a `mode`, an answer to a bank task with that
 * mode and prompt; without, free practice.
 */
export async function writingBody(platform: TestPlatform, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!('mode' in body) || typeof body.mode !== 'string' || !['auto', 'hybrid', 'human'].includes(body.mode)) return body;
  const { mode, skill: _skill, task = 'task1', prompt, ...rest } = body as { mode: GradingMode; skill?: string; task?: Task; prompt: string };
  return { ...rest, taskId: await bankTask(platform, { skill: 'writing', task, prompt, mode }) };
}
