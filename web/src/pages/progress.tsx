// The student's progress: per skill, a chart of overall scores over time, the level reached, the
// trend and the weakest criteria first.
import { ScoreChart } from '../components/score-chart.tsx';
import { Loading, ProblemAlert } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { label, score } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { useFreePractice } from '../lib/settings.ts';
import type { SkillProgress } from '../lib/types.ts';

const trendWords: Record<string, string> = {
  improving: 'Improving',
  steady: 'Steady',
  declining: 'Declining',
  not_enough_data: 'Not enough graded answers for a trend yet',
};

export function ProgressPage() {
  useTitle('Progress');
  const freePractice = useFreePractice();
  const progress = useLoad(() => api<{ skills: Record<string, SkillProgress> }>('/progress'), []);
  if (!progress.data) return progress.error ? <ProblemAlert error={progress.error} /> : <Loading what="your progress" />;

  return (
    <section>
      <h1>Your progress</h1>
      {Object.entries(progress.data.skills).map(([skill, p]) => (
        <section key={skill} class="card" aria-labelledby={`progress-${skill}`} data-testid={`progress-${skill}`}>
          <h2 id={`progress-${skill}`}>{label(skill)}</h2>
          {p.graded === 0 ? (
            <p>
              No graded {skill} yet. <a href={freePractice ? `${base}/submissions/new/${skill}` : `${base}/tasks?skill=${skill}`}>Submit one</a>.
            </p>
          ) : (
            <>
              <dl class="stats">
                <div class="stat">
                  <dt>Graded</dt>
                  <dd>{p.graded}</dd>
                </div>
                <div class="stat">
                  <dt>Latest</dt>
                  <dd>{score(p.latest?.overall)}</dd>
                </div>
                <div class="stat">
                  <dt>Best</dt>
                  <dd>{score(p.best?.overall)}</dd>
                </div>
                <div class="stat">
                  <dt>Level reached</dt>
                  <dd>{p.levelReached ?? 'below B1'}</dd>
                </div>
                <div class="stat">
                  <dt>Trend</dt>
                  <dd class="small">{trendWords[p.trend.direction] ?? p.trend.direction}</dd>
                </div>
              </dl>
              <ScoreChart points={p.trend.points} title={`${label(skill)} overall scores`} />
              {p.criteria.length > 0 && (
                <p>
                  Practise next: <strong>{label(p.criteria[0]!.criterion)}</strong> (average {score(p.criteria[0]!.average)}).
                </p>
              )}
            </>
          )}
        </section>
      ))}
    </section>
  );
}
