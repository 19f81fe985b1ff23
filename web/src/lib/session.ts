import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from './types.ts';

export interface SessionValue {
  user: User;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in user; pages are only rendered inside a session. */
export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a session');
  return session;
}

export const base = '/console';

export const homeOf = (role: User['role']): string =>
  role === 'student' ? `${base}/sittings` : role === 'grader' ? `${base}/reviews` : `${base}/admin/failed`;
