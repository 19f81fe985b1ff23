// Practice tasks for students: the published tasks of the bank (GET /tasks), and a page that
// answers one outside a sitting. The task brings its prompt, part and marking mode.
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { TaskAnswerForm, TaskPrompt } from '../components/task-answer.tsx';
import { FilterSelect, LoadMore, Loading, ProblemAlert } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { label } from '../lib/format.ts';
import { useLoad, usePages, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import type { ExamTask, ExamTaskPage } from '../lib/types.ts';

export function PracticeTasksPage() {
  useTitle('Practice tasks');
  const { query } = useLocation();
  const [skill, setSkill] = useState(query.skill === 'writing' || query.skill === 'speaking' ? query.skill : '');
  const list = (cursor?: string) => api<ExamTaskPage>(`/tasks?${new URLSearchParams({ limit: '50', ...(skill && { skill }), ...(cursor && { cursor }) })}`);
  const { first, items, next, loadMore, moreError } = usePages(list, [skill]);

  return (
    <section>
      <h1>Practice tasks</h1>
      <p class="muted">Tasks of the exam to practise with, outside a sitting. Each is marked the way the task says.</p>
      <div class="filters">
        <FilterSelect text="Skill" value={skill} options={['writing', 'speaking']} onChange={setSkill} />
      </div>
      <ProblemAlert error={first.error} />
      {!first.data ? (
        !first.error && <Loading what="tasks" />
      ) : items.length === 0 ? (
        <p>No practice tasks are published yet.</p>
      ) : (
        <ul class="cards" aria-label="Tasks">
          {items.map((t) => (
            <li key={t.id} class="card" data-testid="practice-task">
              <h2 class="card-title">
                <a href={`${base}/tasks/${t.id}`}>{t.title}</a>
              </h2>
              <p class="muted">
                {label(t.skill)} · {label(t.task)} · marking: {label(t.policy.mode)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <LoadMore next={next} onMore={loadMore} error={moreError} />
    </section>
  );
}

export function TaskPage() {
  const { params } = useRoute();
  const loaded = useLoad(() => api<ExamTask>(`/tasks/${params.id}`), [params.id]);
  const task = loaded.data;
  useTitle(task?.title ?? 'Practice task');
  if (!task) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="the task" />;
  return (
    <section>
      <div class="title-row">
        <h1>{task.title}</h1>
        <a href={`${base}/tasks`}>All practice tasks</a>
      </div>
      <p class="muted">
        {label(task.skill)} · {label(task.task)} · marking: {label(task.policy.mode)}
      </p>
      <section class="card" aria-labelledby="task-heading">
        <h2 id="task-heading">The task</h2>
        <TaskPrompt task={task} />
      </section>
      <TaskAnswerForm key={task.id} task={task} />
    </section>
  );
}
