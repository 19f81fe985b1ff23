import { useState } from 'preact/hooks';
import { ProblemAlert } from '../components/ui.tsx';
import { signIn, type ApiError } from '../lib/api.ts';
import type { User } from '../lib/types.ts';
import { asApiError, useTitle } from '../lib/hooks.ts';

export function LoginPage({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  useTitle('Sign in');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(String(form.get('email')), String(form.get('password'))));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-heading">
        <h1 id="login-heading">VSTEP Grading Console</h1>
        <p class="muted">Sign in as a student, grader or admin.</p>
        <ProblemAlert error={error} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
