// Sittings for admins: each with its state, window, time limit, form and who may sit it; and the
// form that offers a new one: published tasks picked and put in order (one per part), the
// window (local date and time, sent as ISO instants), an optional time limit and student list.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Loading, Notice, ProblemAlert, TableHead } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { label } from '../lib/format.ts';
import { asApiError, useLoad, useNow, useTitle } from '../lib/hooks.ts';
import type { ExamTask, ExamTaskPage, Sitting, SittingList } from '../lib/types.ts';
import { SittingStateBadge, stateAt, Window } from './sittings.tsx';

/** A datetime-local value (the browser's time zone, to the minute) for an instant. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant a datetime-local value names, as ISO 8601; null when empty or invalid. */
function isoOf(local: string): string | null {
  const ms = new Date(local).getTime();
  return local && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const idsOf = (text: string): string[] => text.split(/[\s,;]+/).filter(Boolean);

export function AdminSittingsPage() {
  useTitle('Sittings');
  const now = useNow(10_000);
  const sittings = useLoad(() => api<SittingList>('/sittings?limit=100'), []);
  const [creating, setCreating] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const items = sittings.data?.items ?? [];

  return (
    <section>
      <div class="title-row">
        <h1>Sittings</h1>
        {!creating && (
          <button type="button" onClick={() => (setCreating(true), setDone(null))}>
            New sitting
          </button>
        )}
      </div>
      {done && <Notice tone="success">{done}</Notice>}
      {creating && (
        <SittingForm
          onCancel={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setDone(`“${s.title}” is set: ${label(s.state).toLowerCase()}.`);
            void sittings.reload();
          }}
        />
      )}
      <ProblemAlert error={sittings.error} />
      {!sittings.data ? (
        !sittings.error && <Loading what="sittings" />
      ) : items.length === 0 ? (
        <p>No sittings yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={['Sitting', 'State', 'Window', 'Form', 'Who']} />
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid="admin-sitting" data-sitting={s.id}>
                  <th scope="row">{s.title}</th>
                  <td>
                    <SittingStateBadge state={stateAt(s, now)} />
                  </td>
                  <td>
                    <Window sitting={s} />
                    <br />
                    <span class="muted">
                      {s.durationMinutes === null ? 'Until the close' : `${s.durationMinutes} min each`}
                      {s.allowRetakes ? ' · retakes allowed' : ' · one attempt'}
                    </span>
                  </td>
                  <td>
                    <ol class="compact">
                      {s.tasks.map((t) => (
                        <li key={t.id}>
                          {t.title} <span class="muted">({label(t.skill)} {label(t.task)})</span>
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td>{s.studentIds?.length ? `${s.studentIds.length} student${s.studentIds.length === 1 ? '' : 's'}` : 'Every student'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SittingForm({ onCreated, onCancel }: { onCreated: (s: Sitting) => void; onCancel: () => void }) {
  const id = useId();
  const published = useLoad(() => api<ExamTaskPage>('/tasks?status=published&limit=100'), []);
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [opensAt, setOpensAt] = useState(() => localInput(Date.now()));
  const [closesAt, setClosesAt] = useState(() => localInput(Date.now() + 3 * 3_600_000));
  const [duration, setDuration] = useState('');
  const [students, setStudents] = useState('');
  const [retakes, setRetakes] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const tasks = published.data?.items ?? [];
  const byId = new Map<string, ExamTask>(tasks.map((t) => [t.id, t]));

  const toggle = (taskId: string, on: boolean) => setChosen((list) => (on ? [...list.filter((x) => x !== taskId), taskId] : list.filter((x) => x !== taskId)));
  const move = (index: number, by: -1 | 1) =>
    setChosen((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });

  const submit = async (event: Event) => {
    event.preventDefault();
    const opens = isoOf(opensAt);
    const closes = isoOf(closesAt);
    if (!opens || !closes) return setError(asApiError(new Error('Give the opening and closing date and time.')));
    setBusy(true);
    setError(null);
    const studentIds = idsOf(students);
    try {
      const sitting = await api<Sitting>('/admin/sittings', {
        method: 'POST',
        json: {
          title,
          taskIds: chosen,
          opensAt: opens,
          closesAt: closes,
          ...(duration.trim() !== '' && { durationMinutes: Number(duration) }),
          ...(studentIds.length > 0 && { studentIds }),
          allowRetakes: retakes,
        },
      });
      onCreated(sitting);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        New sitting
      </h2>
      <ProblemAlert error={error} />
      <label for={`${id}-title`}>Title</label>
      <input id={`${id}-title`} type="text" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <fieldset>
        <legend>Tasks (published; one per part)</legend>
        <ProblemAlert error={published.error} />
        {!published.data ? (
          !published.error && <Loading what="published tasks" />
        ) : tasks.length === 0 ? (
          <p>No task is published yet: publish some in the task bank first.</p>
        ) : (
          tasks.map((t) => (
            <label key={t.id} class="choice">
              <input type="checkbox" checked={chosen.includes(t.id)} onChange={(e) => toggle(t.id, e.currentTarget.checked)} />
              <span>
                {t.title} <span class="muted">· {label(t.skill)} {label(t.task)} · v{t.version}</span>
              </span>
            </label>
          ))
        )}
      </fieldset>
      {chosen.length > 0 && (
        <section aria-labelledby={`${id}-order`}>
          <h3 id={`${id}-order`}>Order on the form</h3>
          <ol class="order" data-testid="form-order">
            {chosen.map((taskId, i) => {
              const t = byId.get(taskId);
              const name = t?.title ?? taskId;
              return (
                <li key={taskId}>
                  <span>{name}</span>
                  <span class="actions">
                    <button type="button" class="secondary small" disabled={i === 0} onClick={() => move(i, -1)}>
                      Up<span class="sr-only">: move {name} earlier</span>
                    </button>
                    <button type="button" class="secondary small" disabled={i === chosen.length - 1} onClick={() => move(i, 1)}>
                      Down<span class="sr-only">: move {name} later</span>
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      )}
      <div class="field-row">
        <div class="stack">
          <label for={`${id}-opens`}>Opens</label>
          <input id={`${id}-opens`} type="datetime-local" required value={opensAt} onInput={(e) => setOpensAt(e.currentTarget.value)} />
        </div>
        <div class="stack">
          <label for={`${id}-closes`}>Closes</label>
          <input id={`${id}-closes`} type="datetime-local" required value={closesAt} onInput={(e) => setClosesAt(e.currentTarget.value)} />
        </div>
      </div>
      <label for={`${id}-duration`}>Time limit in minutes (optional; otherwise until the close)</label>
      <input id={`${id}-duration`} type="number" min={1} max={1440} step={1} value={duration} onInput={(e) => setDuration(e.currentTarget.value)} />
      <label for={`${id}-students`}>Student ids (optional; comma or line separated; empty: every student)</label>
      <textarea id={`${id}-students`} rows={3} value={students} onInput={(e) => setStudents(e.currentTarget.value)} />
      <label class="choice">
        <input type="checkbox" checked={retakes} onChange={(e) => setRetakes(e.currentTarget.checked)} />
        Allow retakes
      </label>
      <div class="actions">
        <button type="submit" disabled={busy || chosen.length === 0}>
          {busy ? 'Creating…' : 'Create sitting'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
