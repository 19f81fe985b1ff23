import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads `load()` now and whenever `deps` change; the latest call wins. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await run();
      if (mine === generation.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (mine === generation.current) setError(asApiError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 'Something went wrong', e instanceof Error ? e.message : String(e));

/** The current time, ticking every `everyMs` (for countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Sets the document title for the page, so screen readers and tabs say where you are. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · VSTEP Grading Console`;
  }, [title]);
}

/** A list read a page at a time: the first page follows `deps`; `loadMore` appends the next one. */
export function usePages<T>(list: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>, deps: unknown[]) {
  const [more, setMore] = useState<Array<{ items: T[]; nextCursor: string | null }>>([]);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const first = useLoad(() => list().then((p) => (setMore([]), p)), deps);
  const pages = [...(first.data ? [first.data] : []), ...more];
  const next = pages[pages.length - 1]?.nextCursor ?? null;
  const loadMore = () =>
    next &&
    void list(next)
      .then((p) => (setMore((m) => [...m, p]), setMoreError(null)))
      .catch((e: unknown) => setMoreError(asApiError(e)));
  return { first, items: pages.flatMap((p) => p.items), next, loadMore, moreError };
}
