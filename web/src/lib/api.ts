// Calls to the API, same origin. The access token lives in this module only (memory); the refresh
// token is an HttpOnly cookie the page's scripts cannot read, so an injected script cannot steal a
// long-lived credential. A 401 triggers one silent refresh through the cookie, then one retry.
import type { FieldError, Problem, Session, User } from './types.ts';

/** An application/problem+json answer (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title);
  }
}

const consoleHeader = { 'X-Requested-With': 'vstep-console' };
/** Not a credential: only tells a new tab that a session cookie may exist, so it skips a refresh that would fail. */
const hintKey = 'vstep.console.signedIn';

let accessToken: string | null = null;
let currentUserId: string | null = null;
let onSignedOut: () => void = () => {};

export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

// Signing out in another tab ends the session here too: this tab's access token would otherwise
// outlive it, and its next refresh would pick up whoever signs in next.
addEventListener('storage', (event) => {
  if (event.key === hintKey && event.newValue === null && accessToken) {
    accessToken = null;
    currentUserId = null;
    onSignedOut();
  }
});

async function problemOf(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as Partial<Problem>;
    return new ApiError(response.status, body.title ?? fallback, body.detail ?? '', body.errors ?? []);
  } catch {
    return new ApiError(response.status, fallback, '');
  }
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'The server cannot be reached', 'Check your connection and try again.');
  }
}

function adopt(session: Session): User {
  // The cookie is shared by every tab: after a sign-in as someone else elsewhere, a refresh here
  // returns that account. Start again as them rather than show one user's page to another.
  if (currentUserId && currentUserId !== session.user.id) location.reload();
  accessToken = session.accessToken;
  currentUserId = session.user.id;
  localStorage.setItem(hintKey, '1');
  return session.user;
}

function forget(): void {
  accessToken = null;
  currentUserId = null;
  localStorage.removeItem(hintKey);
}

export async function signIn(email: string, password: string): Promise<User> {
  const response = await send('/auth/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...consoleHeader },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw await problemOf(response);
  return adopt((await response.json()) as Session);
}

let refreshing: Promise<User | null> | null = null;

/**
 * A new access token from the session cookie, or null when there is no (valid) session. Other
 * failures (rate limited, server unavailable) are thrown: the session may still be good.
 */
export function refreshSession(): Promise<User | null> {
  refreshing ??= (async () => {
    // Tabs share the cookie and each refresh spends it: one tab at a time, or the second would
    // present a spent token and the server would revoke the session as stolen.
    const run = async () => {
      const response = await send('/auth/session/refresh', { method: 'POST', headers: consoleHeader });
      if (response.status === 401) {
        forget();
        return null;
      }
      if (!response.ok) throw await problemOf(response);
      return adopt((await response.json()) as Session);
    };
    return navigator.locks ? navigator.locks.request('vstep-session-refresh', run) : run();
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The signed-in user on page load, if this browser has a session. */
export async function restoreSession(): Promise<User | null> {
  if (!localStorage.getItem(hintKey)) return null;
  return refreshSession();
}

export async function signOut(): Promise<void> {
  await send('/auth/session', { method: 'DELETE', headers: consoleHeader }).catch(() => undefined);
  forget();
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** An authenticated call; returns the raw response (already checked to be 2xx). */
export async function authorised(path: string, options: RequestOptions = {}): Promise<Response> {
  const attempt = () => {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (options.json !== undefined) headers['Content-Type'] = 'application/json';
    const body = options.form ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    return send(path, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  };
  let response = await attempt();
  if (response.status === 401) {
    if (await refreshSession()) response = await attempt();
    if (response.status === 401) {
      forget();
      onSignedOut();
    }
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorised(path, options);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const bearer = () => accessToken;
