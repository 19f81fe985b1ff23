import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ReviewKind, User } from './types.ts';

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

/** Whether the role marks: claims reviews and completes them (graders, and seniors, who also adjudicate). */
export const marks = (role: User['role']): boolean => role === 'grader' || role === 'senior';

/** Whether the role decides adjudications and appeals and may override a result. */
export const decides = (role: User['role']): boolean => role === 'senior';

/** Whether the role may claim a marking of this kind: adjudications and appeals are a senior's. */
export const mayClaim = (role: User['role'], kind: ReviewKind): boolean =>
  marks(role) && (kind === 'first' || kind === 'second' || decides(role));

/** Whether the role may override a completed result. */
export const overrides = (role: User['role']): boolean => role === 'senior' || role === 'admin';

export const homeOf = (role: User['role']): string =>
  role === 'student' ? `${base}/sittings` : marks(role) ? `${base}/reviews` : `${base}/admin/failed`;
