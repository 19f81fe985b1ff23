// What the web console needs to know about this deployment, read from config: where the
// Temporal Web UI is (links to a submission's workflow) and the writing tasks' word minimums.
import type { Config } from '../config/env.ts';
import { wordMinimum } from '../domain/scores.ts';

export interface ConsoleSettings {
  /** Origin and path of the Temporal Web UI, without a trailing slash; null when unknown. */
  temporalUiUrl: string | null;
  temporalNamespace: string;
  wordMinimum: { task1: number; task2: number };
}

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
  };
}
