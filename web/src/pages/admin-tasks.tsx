// The task bank for admins: tasks with their status, version and marking policy (filters by
// skill, part and status); authoring a draft, editing it, publishing, archiving, and starting the
// next version of a published task (published tasks are frozen).
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Choices } from '../components/choices.tsx';
import { TaskPrompt } from '../components/task-answer.tsx';
import { FilterSelect, LoadMore, Loading, Notice, ProblemAlert } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { dateTime, label, percent } from '../lib/format.ts';
import { asApiError, usePages, useTitle } from '../lib/hooks.ts';
import { allParts, partsOf } from '../lib/shared.ts';
import type { ExamTask, ExamTaskPage, FeedbackLanguage, Mode, Skill, Task } from '../lib/types.ts';

/** Questions typed one per line: blank lines dropped. */
const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function TaskStatusBadge({ status }: { status: ExamTask['status'] }) {
  return <span class={`badge task-${status}`}>{label(status)}</span>;
}

export function PolicyText({ task }: { task: ExamTask }) {
  const p = task.policy;
  return (
    <span data-testid="policy">
      Marking: {label(p.mode)} · second marking {percent(p.secondMarkingRate)} · feedback in {label(p.feedbackLanguage)}
    </span>
  );
}

export function TaskBankPage() {
  useTitle('Task bank');
  const [filters, setFilters] = useState({ skill: '', task: '', status: '' });
  const [editing, setEditing] = useState<ExamTask | 'new' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = (cursor?: string) =>
    api<ExamTaskPage>(`/tasks?${new URLSearchParams({ limit: '50', ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), ...(cursor && { cursor }) })}`);
  const { first, items, next, loadMore, moreError } = usePages(list, [filters.skill, filters.task, filters.status]);
  const parts = filters.skill === 'writing' || filters.skill === 'speaking' ? partsOf[filters.skill] : allParts;

  const act = async (task: ExamTask, what: 'publish' | 'archive' | 'versions') => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await api<ExamTask>(`/admin/tasks/${task.id}/${what}`, { method: 'POST' });
      if (what === 'versions') {
        setEditing(result);
        setDone(`Version ${result.version} of “${result.title}” is a new draft: edit it, then publish it.`);
      } else setDone(`“${result.title}” (version ${result.version}) is ${label(result.status).toLowerCase()}.`);
      await first.reload();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const filter = (name: keyof typeof filters, options: readonly string[], text: string) => (
    <FilterSelect
      text={text}
      value={filters[name]}
      options={options}
      onChange={(value) => setFilters((f) => ({ ...f, [name]: value, ...(name === 'skill' && { task: '' }) }))}
    />
  );

  return (
    <section>
      <div class="title-row">
        <h1>Task bank</h1>
        {editing === null && (
          <button type="button" onClick={() => (setEditing('new'), setDone(null))}>
            New task
          </button>
        )}
      </div>
      {done && <Notice tone="success">{done}</Notice>}
      {editing !== null && (
        <TaskForm
          key={editing === 'new' ? 'new' : editing.id}
          task={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setDone(`“${saved.title}” is ${created ? 'saved as a draft' : 'updated'}. Publish it when it is ready.`);
            void first.reload();
          }}
        />
      )}
      <div class="filters">
        {filter('skill', ['writing', 'speaking'], 'Skill')}
        {filter('task', parts, 'Part')}
        {filter('status', ['draft', 'published', 'archived'], 'Status')}
      </div>
      <ProblemAlert error={error ?? first.error} />
      {!first.data ? (
        !first.error && <Loading what="the task bank" />
      ) : items.length === 0 ? (
        <p>No tasks match.</p>
      ) : (
        <ul class="cards" aria-label="Tasks">
          {items.map((t) => (
            <li key={t.id} class="card bank-task" data-testid="bank-task" data-task={t.id}>
              <div class="title-row">
                <h2 class="card-title">{t.title}</h2>
                <span class="badges">
                  <TaskStatusBadge status={t.status} /> <span class="badge">Version {t.version}</span>
                </span>
              </div>
              <p class="muted">
                {label(t.skill)} · {label(t.task)} · <PolicyText task={t} />
              </p>
              <p class="muted small">
                Updated {dateTime(t.updatedAt)}
                {t.publishedAt && ` · published ${dateTime(t.publishedAt)}`}
                {t.archivedAt && ` · archived ${dateTime(t.archivedAt)}`}
              </p>
              <details>
                <summary>Prompt{t.questions.length > 0 ? ' and questions' : ''}</summary>
                <TaskPrompt task={t} />
              </details>
              {t.graderNotes && (
                <details>
                  <summary>Grader notes</summary>
                  <p class="prompt-text">{t.graderNotes}</p>
                </details>
              )}
              <div class="actions">
                {t.status === 'draft' && (
                  <>
                    <button type="button" class="secondary" disabled={busy} onClick={() => (setEditing(t), setDone(null))}>
                      Edit<span class="sr-only"> {t.title}</span>
                    </button>
                    <button type="button" disabled={busy} onClick={() => void act(t, 'publish')}>
                      Publish<span class="sr-only"> {t.title}</span>
                    </button>
                  </>
                )}
                {t.status !== 'draft' && (
                  <button type="button" class="secondary" disabled={busy} onClick={() => void act(t, 'versions')}>
                    New version<span class="sr-only"> of {t.title}</span>
                  </button>
                )}
                {t.status !== 'archived' && (
                  <button type="button" class="secondary" disabled={busy} onClick={() => void act(t, 'archive')}>
                    Archive<span class="sr-only"> {t.title}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <LoadMore next={next} onMore={loadMore} error={moreError} />
    </section>
  );
}

interface FormProps {
  /** The draft to edit; null: a new task. */
  task: ExamTask | null;
  onSaved: (task: ExamTask, created: boolean) => void;
  onCancel: () => void;
}

function TaskForm({ task, onSaved, onCancel }: FormProps) {
  const id = useId();
  const [skill, setSkill] = useState<Skill>(task?.skill ?? 'writing');
  const [part, setPart] = useState<Task>(task?.task ?? 'task1');
  const [title, setTitle] = useState(task?.title ?? '');
  const [prompt, setPrompt] = useState(task?.prompt ?? '');
  const [questions, setQuestions] = useState((task?.questions ?? []).join('\n'));
  const [graderNotes, setGraderNotes] = useState(task?.graderNotes ?? '');
  const [mode, setMode] = useState<Mode>(task?.policy.mode ?? 'auto');
  const [secondMarking, setSecondMarking] = useState(String(Math.round((task?.policy.secondMarkingRate ?? 0) * 100)));
  const [language, setLanguage] = useState<FeedbackLanguage>(task?.policy.feedbackLanguage ?? 'en');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const chooseSkill = (next: Skill) => {
    setSkill(next);
    setPart(partsOf[next][0]);
  };
  const speaking = skill === 'speaking';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const content = {
      title,
      prompt,
      // Writing tasks take no questions; an edit leaves whatever they have alone.
      ...(speaking ? { questions: linesOf(questions) } : {}),
      graderNotes: graderNotes.trim() === '' ? null : graderNotes,
      policy: { mode, secondMarkingRate: Number(secondMarking) / 100, feedbackLanguage: language },
    };
    try {
      const saved = task
        ? await api<ExamTask>(`/admin/tasks/${task.id}`, { method: 'PATCH', json: content })
        : await api<ExamTask>('/admin/tasks', { method: 'POST', json: { skill, task: part, ...content } });
      onSaved(saved, !task);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {task ? `Edit draft: ${task.title} (version ${task.version})` : 'New task'}
      </h2>
      <ProblemAlert error={error} />
      {task ? (
        <p class="muted">
          {label(task.skill)} · {label(task.task)} (fixed once created)
        </p>
      ) : (
        <>
          <Choices legend="Skill" name={`${id}-skill`} options={['writing', 'speaking'] as const} value={skill} onChange={chooseSkill} />
          <Choices legend="Part" name={`${id}-part`} options={partsOf[skill] as readonly Task[]} value={part} onChange={setPart} />
        </>
      )}
      <label for={`${id}-title`}>Title</label>
      <input id={`${id}-title`} type="text" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <label for={`${id}-prompt`}>Prompt</label>
      <textarea
        id={`${id}-prompt`}
        rows={6}
        required
        maxLength={4000}
        aria-describedby={`${id}-prompt-hint`}
        value={prompt}
        onInput={(e) => setPrompt(e.currentTarget.value)}
      />
      <p id={`${id}-prompt-hint`} class="muted small">
        Students see it exactly as written here, line breaks included.
      </p>
      {speaking && (
        <>
          <label for={`${id}-questions`}>{part === 'part2' ? 'Options' : 'Questions'} (one per line)</label>
          <textarea
            id={`${id}-questions`}
            rows={4}
            aria-describedby={`${id}-questions-hint`}
            value={questions}
            onInput={(e) => setQuestions(e.currentTarget.value)}
          />
          <p id={`${id}-questions-hint`} class="muted small">
            Parts 1 and 3: the questions asked; Part 2: the options to choose from. At most 10.
          </p>
        </>
      )}
      <label for={`${id}-notes`}>Grader notes (optional, never shown to students)</label>
      <textarea id={`${id}-notes`} rows={3} maxLength={4000} value={graderNotes} onInput={(e) => setGraderNotes(e.currentTarget.value)} />
      <fieldset>
        <legend>Marking policy</legend>
        <div class="stack">
          <Choices legend="Marking" name={`${id}-mode`} options={['auto', 'hybrid', 'human'] as const} value={mode} onChange={setMode} />
          <label for={`${id}-second`}>Second marking (% of answers a second marker also marks)</label>
          <input
            id={`${id}-second`}
            type="number"
            min={0}
            max={100}
            step={1}
            required
            value={secondMarking}
            onInput={(e) => setSecondMarking(e.currentTarget.value)}
          />
          <Choices legend="Feedback language" name={`${id}-language`} options={['en', 'vi'] as const} value={language} onChange={setLanguage} />
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : task ? 'Save draft' : 'Create draft'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
