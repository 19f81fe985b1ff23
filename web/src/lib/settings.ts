import type { Settings } from './types.ts';

let settings: Promise<Settings | null> | null = null;

/** The console's public settings (GET /console/settings.json), fetched once. */
export function loadSettings(): Promise<Settings | null> {
  settings ??= fetch('/console/settings.json')
    .then((r) => (r.ok ? (r.json() as Promise<Settings>) : null))
    .catch(() => null);
  return settings;
}

export const workflowUrl = (s: Settings, workflowId: string): string | null =>
  s.temporalUiUrl
    ? `${s.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(s.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`
    : null;
