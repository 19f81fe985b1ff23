// The console's shell: restores the session from its cookie, then routes by role.
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/ui.tsx';
import { restoreSession, signOut, whenSignedOut } from './lib/api.ts';
import type { User } from './lib/types.ts';
import { base, homeOf, SessionContext, useSession } from './lib/session.ts';
import { AgreementPage } from './pages/admin-agreement.tsx';
import { AuditPage } from './pages/admin-audit.tsx';
import { FailedPage } from './pages/admin-failed.tsx';
import { AdminSittingsPage } from './pages/admin-sittings.tsx';
import { TaskBankPage } from './pages/admin-tasks.tsx';
import { UsersPage } from './pages/admin-users.tsx';
import { AttemptPage } from './pages/attempt.tsx';
import { LoginPage } from './pages/login.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { ProgressPage } from './pages/progress.tsx';
import { QueuePage } from './pages/queue.tsx';
import { ReviewPage } from './pages/review.tsx';
import { StudentSittingsPage } from './pages/sittings.tsx';
import { SpeakingPage } from './pages/submit-speaking.tsx';
import { WritingPage } from './pages/submit-writing.tsx';
import { SubmissionPage } from './pages/submission.tsx';
import { SubmissionsPage } from './pages/submissions.tsx';
import { PracticeTasksPage, TaskPage } from './pages/tasks.tsx';

function Home() {
  const { route } = useLocation();
  const { user } = useSession();
  useEffect(() => route(homeOf(user.role), true), [user.role, route]);
  return null;
}

function Routes({ user }: { user: User }) {
  const staff = user.role !== 'student';
  const student = user.role === 'student';
  const admin = user.role === 'admin';
  const moderates = admin || user.role === 'senior';
  return (
    <Router>
      <Route path={`${base}/`} component={Home} />
      <Route path={`${base}/login`} component={Home} />
      <Route path={`${base}/sittings`} component={student ? StudentSittingsPage : NotFoundPage} />
      <Route path={`${base}/attempts/:id`} component={student ? AttemptPage : NotFoundPage} />
      <Route path={`${base}/tasks`} component={student ? PracticeTasksPage : NotFoundPage} />
      <Route path={`${base}/tasks/:id`} component={student ? TaskPage : NotFoundPage} />
      <Route path={`${base}/submissions`} component={SubmissionsPage} />
      <Route path={`${base}/submissions/new/writing`} component={student ? WritingPage : NotFoundPage} />
      <Route path={`${base}/submissions/new/speaking`} component={student ? SpeakingPage : NotFoundPage} />
      <Route path={`${base}/submissions/:id`} component={SubmissionPage} />
      <Route path={`${base}/progress`} component={student ? ProgressPage : NotFoundPage} />
      <Route path={`${base}/reviews`} component={staff ? QueuePage : NotFoundPage} />
      <Route path={`${base}/reviews/:submissionId`} component={staff ? ReviewPage : NotFoundPage} />
      <Route path={`${base}/admin/failed`} component={admin ? FailedPage : NotFoundPage} />
      <Route path={`${base}/admin/tasks`} component={admin ? TaskBankPage : NotFoundPage} />
      <Route path={`${base}/admin/sittings`} component={admin ? AdminSittingsPage : NotFoundPage} />
      <Route path={`${base}/admin/users`} component={admin ? UsersPage : NotFoundPage} />
      <Route path={`${base}/admin/audit`} component={admin ? AuditPage : NotFoundPage} />
      <Route path={`${base}/agreement`} component={moderates ? AgreementPage : NotFoundPage} />
      <Route default component={NotFoundPage} />
    </Router>
  );
}

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    restoreSession()
      .then(setUser)
      .catch(() => setUser(null));
  }, []);

  if (user === undefined) return <Loading what="your session" />;
  const end = async () => {
    await signOut();
    setUser(null);
  };
  return (
    <LocationProvider scope={base}>
      {user === null ? (
        <LoginPage onSignedIn={setUser} />
      ) : (
        <SessionContext.Provider value={{ user, signOut: end }}>
          <Layout>
            <Routes user={user} />
          </Layout>
        </SessionContext.Provider>
      )}
    </LocationProvider>
  );
}
