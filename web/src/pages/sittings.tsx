// The student's sittings (GET /sittings: those open to them): state, window and a live countdown
// (to the opening, to the close, or to their own attempt's due time once started), and Start,
// which begins an attempt (POST /attempts { sittingId }) and opens it.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Loading, ProblemAlert } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { countdown, dateTime, label } from '../lib/format.ts';
import { asApiError, useLoad, useNow, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import type { Attempt, Sitting, SittingList, SittingState } from '../lib/types.ts';

/** The state by this browser's clock, so a countdown that reaches the opening offers Start. */
export function stateAt(s: Pick<Sitting, 'opensAt' | 'closesAt'>, now: number): SittingState {
  if (now < Date.parse(s.opensAt)) return 'upcoming';
  return now < Date.parse(s.closesAt) ? 'open' : 'closed';
}

export function SittingStateBadge({ state }: { state: SittingState }) {
  return <span class={`badge sitting-${state}`}>{label(state)}</span>;
}

/** A sitting's window, as two times. */
export function Window({ sitting }: { sitting: Pick<Sitting, 'opensAt' | 'closesAt'> }) {
  return (
    <>
      <time dateTime={sitting.opensAt}>{dateTime(sitting.opensAt)}</time> – <time dateTime={sitting.closesAt}>{dateTime(sitting.closesAt)}</time>
    </>
  );
}

const order: Record<SittingState, number> = { open: 0, upcoming: 1, closed: 2 };

export function StudentSittingsPage() {
  useTitle('Sittings');
  const now = useNow();
  const sittings = useLoad(() => api<SittingList>('/sittings?limit=100'), []);
  const items = [...(sittings.data?.items ?? [])].sort(
    (a, b) => order[stateAt(a, now)] - order[stateAt(b, now)] || Date.parse(a.opensAt) - Date.parse(b.opensAt),
  );

  return (
    <section>
      <div class="title-row">
        <h1>Your sittings</h1>
        <button type="button" class="secondary" onClick={() => void sittings.reload()}>
          Refresh
        </button>
      </div>
      <p class="muted">
        Tests set for you, each open in its window. Outside them you can answer <a href={`${base}/tasks`}>practice tasks</a>.
      </p>
      <ProblemAlert error={sittings.error} />
      {!sittings.data ? (
        !sittings.error && <Loading what="your sittings" />
      ) : items.length === 0 ? (
        <p>No sittings are set for you at the moment.</p>
      ) : (
        <ul class="cards" aria-label="Sittings">
          {items.map((s) => (
            <SittingCard key={s.id} sitting={s} now={now} onChanged={() => void sittings.reload()} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SittingCard({ sitting, now, onChanged }: { sitting: Sitting; now: number; onChanged: () => void }) {
  const { route } = useLocation();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const state = stateAt(sitting, now);
  const attempts = sitting.attempts ?? [];
  const latest = attempts[attempts.length - 1];
  const running = latest && state === 'open' && now < Date.parse(latest.dueAt) ? latest : undefined;
  const canStart = state === 'open' && !running && (!latest || sitting.allowRetakes);
  const headingId = `sitting-${sitting.id}`;

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const attempt = await api<Attempt>('/attempts', { method: 'POST', json: { sittingId: sitting.id } });
      route(`${base}/attempts/${attempt.id}`);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
      onChanged();
    }
  };

  return (
    <li class="card sitting" data-testid="sitting" data-sitting={sitting.id}>
      <div class="title-row">
        <h2 id={headingId} class="card-title">
          {sitting.title}
        </h2>
        <SittingStateBadge state={state} />
      </div>
      <p class="muted">
        <Window sitting={sitting} />
        {sitting.durationMinutes !== null && ` · ${sitting.durationMinutes} min once you start`}
      </p>
      <p class="muted">{sitting.tasks.map((t) => `${label(t.skill)} ${label(t.task)}`).join(' · ')}</p>
      <p class="countdown" role="timer" data-testid="countdown">
        {state === 'upcoming'
          ? `Opens in ${countdown(Date.parse(sitting.opensAt) - now)}`
          : running
            ? `Time left: ${countdown(Date.parse(running.dueAt) - now)}`
            : state === 'open'
              ? `Closes in ${countdown(Date.parse(sitting.closesAt) - now)}`
              : 'This sitting has closed.'}
      </p>
      {state === 'upcoming' && <p>It cannot be started yet.</p>}
      {latest && !running && state === 'open' && !canStart && <p>Your time for this sitting is over.</p>}
      <ProblemAlert error={error} />
      <div class="actions">
        {canStart && (
          <button type="button" disabled={busy} onClick={() => void start()}>
            {busy ? 'Starting…' : latest ? 'Start again' : 'Start'}
            <span class="sr-only"> {sitting.title}</span>
          </button>
        )}
        {running && (
          <a class="button" href={`${base}/attempts/${running.id}`}>
            Continue<span class="sr-only"> {sitting.title}</span>
          </a>
        )}
        {latest && !running && (
          <a href={`${base}/attempts/${latest.id}`}>
            Your answers<span class="sr-only"> to {sitting.title}</span>
          </a>
        )}
      </div>
    </li>
  );
}
