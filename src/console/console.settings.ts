// What the web console needs to know about this deployment, read from config: where the
// Temporal Web UI is (links to a submission's workflow), the writing tasks' word minimums and
// whether free-prompt practice is on.
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { wordMinimum } from '../domain/scores.ts';

export const consoleSettingsSchema = z
  .strictObject({
    temporalUiUrl: z
      .string()
      .nullable()
      .describe('The Temporal Web UI (origin and path, no trailing slash; null when unknown): a workflow is at {temporalUiUrl}/namespaces/{temporalNamespace}/workflows/{workflowId}.'),
    temporalNamespace: z.string(),
    wordMinimum: z.strictObject({ task1: z.number().int(), task2: z.number().int() }),
    freePractice: z.boolean().describe('Whether students may practise with a prompt of their own (PRACTICE_FREE_PROMPTS); otherwise they answer bank tasks.'),
  })
  .meta({ id: 'ConsoleSettings' });

export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;

/** The UI's address for a public page: credentials, query and fragment are left out. */
function publicUiUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export function consoleSettings(config: Config): ConsoleSettings {
  return {
    temporalUiUrl: publicUiUrl(config.temporal.uiUrl),
    temporalNamespace: config.temporal.namespace,
    wordMinimum: { ...wordMinimum },
    freePractice: config.exams.freePrompts,
  };
}
