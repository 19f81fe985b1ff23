import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { label } from '../lib/format.ts';
import { base, useSession } from '../lib/session.ts';
import { useFreePractice } from '../lib/settings.ts';
import type { User } from '../lib/types.ts';

/** The main navigation per role; free practice only where this deployment offers it. */
function linksFor(role: User['role'], freePractice: boolean): Array<[string, string]> {
  if (role === 'student') {
    return [
      ['Sittings', `${base}/sittings`],
      ['Practice tasks', `${base}/tasks`],
      ...(freePractice
        ? ([
            ['Write', `${base}/submissions/new/writing`],
            ['Speak', `${base}/submissions/new/speaking`],
          ] as Array<[string, string]>)
        : []),
      ['Submissions', `${base}/submissions`],
      ['Progress', `${base}/progress`],
    ];
  }
  if (role === 'grader') return [['Review queue', `${base}/reviews`]];
  if (role === 'senior') {
    return [
      ['Review queue', `${base}/reviews`],
      ['Agreement', `${base}/agreement`],
    ];
  }
  return [
    ['Failed', `${base}/admin/failed`],
    ['Submissions', `${base}/submissions`],
    ['Review queue', `${base}/reviews`],
    ['Task bank', `${base}/admin/tasks`],
    ['Sittings', `${base}/admin/sittings`],
    ['Users', `${base}/admin/users`],
    ['Agreement', `${base}/agreement`],
    ['Audit', `${base}/admin/audit`],
  ];
}

export function Layout({ children }: { children: ComponentChildren }) {
  const { user, signOut } = useSession();
  const freePractice = useFreePractice();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(path);
  // After a client-side navigation, start reading and tabbing from the new page's content.
  useEffect(() => {
    if (path !== firstPath.current) main.current?.focus();
    firstPath.current = '';
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`${base}/`}>
          VSTEP <span>Grading</span>
        </a>
        <nav aria-label="Main">
          <ul>
            {linksFor(user.role, freePractice).map(([text, href]) => (
              <li key={href}>
                <a href={href} aria-current={path === href ? 'page' : undefined}>
                  {text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {user.name} <span class="muted">({label(user.role).toLowerCase()})</span>
          </span>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {children}
      </main>
    </>
  );
}
