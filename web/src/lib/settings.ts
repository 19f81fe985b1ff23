import { useEffect, useState } from 'preact/hooks';
import type { Settings } from './types.ts';

let settings: Promise<Settings | null> | null = null;
let known: Settings | null | undefined;

/** The console's public settings (GET /console/settings.json), fetched once. */
export function loadSettings(): Promise<Settings | null> {
  settings ??= fetch('/console/settings.json')
    .then((r) => (r.ok ? (r.json() as Promise<Settings>) : null))
    .catch(() => null)
    .then((s) => (known = s));
  return settings;
}

/** The settings once loaded: undefined while loading, null when they could not be read. */
export function useSettings(): Settings | null | undefined {
  const [value, setValue] = useState<Settings | null | undefined>(known);
  useEffect(() => {
    let live = true;
    void loadSettings().then((s) => live && setValue(s));
    return () => {
      live = false;
    };
  }, []);
  return value;
}

/** Whether students may practise with a prompt of their own; false until the settings say so. */
export const useFreePractice = (): boolean => useSettings()?.freePractice === true;

export const workflowUrl = (s: Settings, workflowId: string): string | null =>
  s.temporalUiUrl
    ? `${s.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(s.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`
    : null;
