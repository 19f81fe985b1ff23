// Rater agreement, for admins and senior graders: how far markers agree with each other, with
// the final results, and with the AI scorer, for the submissions made in a period (a skill, a
// part). The figures are the API's (GET /admin/graders/agreement, docs/moderation.md).
import { useState } from 'preact/hooks';
import { FilterSelect, Loading, ProblemAlert, TableHead } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { kappa, label, share, signed } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { allParts, partsOf } from '../lib/shared.ts';
import type { RaterAgreement } from '../lib/types.ts';

/** The instant a calendar day (yyyy-mm-dd, the reader's time zone) starts; `days` later for an exclusive end. */
const startOf = (day: string, days = 0): string => {
  const d = new Date(`${day}T00:00`);
  d.setDate(d.getDate() + days);
  return d.toISOString();
};

export function AgreementPage() {
  useTitle('Rater agreement');
  const [filters, setFilters] = useState({ from: '', to: '', skill: '', task: '' });
  const agreement = useLoad(() => {
    const query = new URLSearchParams({
      ...(filters.from && { from: startOf(filters.from) }),
      // The last day counts: the API's `to` is exclusive.
      ...(filters.to && { to: startOf(filters.to, 1) }),
      ...(filters.skill && { skill: filters.skill }),
      ...(filters.task && { task: filters.task }),
    });
    return api<RaterAgreement>(`/admin/graders/agreement?${query}`);
  }, [filters.from, filters.to, filters.skill, filters.task]);
  const parts = filters.skill === 'writing' || filters.skill === 'speaking' ? partsOf[filters.skill] : allParts;
  const data = agreement.data;
  const hh = data?.humanHuman;
  const ai = data?.humanAi;

  return (
    <section>
      <div class="title-row">
        <h1>Rater agreement</h1>
        <button type="button" class="secondary" onClick={() => void agreement.reload()}>
          Refresh
        </button>
      </div>
      <p class="muted">For the submissions made in the period (first and last day included), judged with their marks and current results.</p>
      <div class="filters">
        <label>
          From
          <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters((f) => ({ ...f, from: e.currentTarget.value }))} />
        </label>
        <label>
          To
          <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters((f) => ({ ...f, to: e.currentTarget.value }))} />
        </label>
        <FilterSelect text="Skill" value={filters.skill} options={['writing', 'speaking']} onChange={(skill) => setFilters((f) => ({ ...f, skill, task: '' }))} />
        <FilterSelect text="Part" value={filters.task} options={parts} onChange={(task) => setFilters((f) => ({ ...f, task }))} />
      </div>
      <ProblemAlert error={agreement.error} />
      {!data || !hh || !ai ? (
        !agreement.error && <Loading what="the agreement figures" />
      ) : (
        <>
          <section class="card" aria-labelledby="hh-heading" data-testid="human-human">
            <h2 id="hh-heading">First mark against second mark</h2>
            <dl class="stats">
              <div class="stat">
                <dt>Double-marked</dt>
                <dd>{hh.n}</dd>
              </div>
              <div class="stat">
                <dt>Weighted kappa</dt>
                <dd>{kappa(hh.qwk)}</dd>
              </div>
              <div class="stat">
                <dt>Same overall</dt>
                <dd>{share(hh.exactAgreement)}</dd>
              </div>
              <div class="stat">
                <dt>Within 0.5</dt>
                <dd>{share(hh.withinHalfPoint)}</dd>
              </div>
              <div class="stat">
                <dt>Went to adjudication</dt>
                <dd>{share(hh.adjudicatedShare)}</dd>
              </div>
            </dl>
          </section>
          <section class="card" aria-labelledby="ai-heading" data-testid="human-ai">
            <h2 id="ai-heading">AI draft against the final result</h2>
            <p class="muted small">Over reviewed submissions that had an AI draft. Bias is AI minus final: positive when the scorer is generous.</p>
            <dl class="stats">
              <div class="stat">
                <dt>Compared</dt>
                <dd>{ai.n}</dd>
              </div>
              <div class="stat">
                <dt>Weighted kappa</dt>
                <dd>{kappa(ai.qwk)}</dd>
              </div>
              <div class="stat">
                <dt>Bias, overall</dt>
                <dd>{signed(ai.meanBias)}</dd>
              </div>
            </dl>
            {Object.keys(ai.criteria).length > 0 && (
              <div class="table-wrap">
                <table data-testid="criterion-bias">
                  <caption class="sr-only">AI bias per criterion</caption>
                  <TableHead columns={['Criterion', 'Compared', 'Bias']} />
                  <tbody>
                    {Object.entries(ai.criteria).map(([name, c]) => (
                      <tr key={name}>
                        <th scope="row">{label(name)}</th>
                        <td class="num">{c.n}</td>
                        <td class="num">{signed(c.meanBias)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card" aria-labelledby="graders-heading">
            <h2 id="graders-heading">Per marker</h2>
            <p class="muted small">
              Severity is the mean of (their first or second mark − the final result): negative for a severe marker, positive for a lenient one.
            </p>
            {data.graders.length === 0 ? (
              <p>No marks in this period.</p>
            ) : (
              <div class="table-wrap">
                <table data-testid="graders">
                  <caption class="sr-only">Agreement per marker, most marks first</caption>
                  <TableHead
                    columns={['Marker', 'Marks', 'Adjudications', 'Appeals decided', 'Compared', 'Severity', 'Mean distance', 'Double-marked', 'Went to adjudication']}
                  />
                  <tbody>
                    {data.graders.map((g) => (
                      <tr key={g.id} data-testid="grader-row">
                        <th scope="row">
                          {g.name}
                          <div class="muted small wrap">{g.email}</div>
                        </th>
                        <td class="num">{g.marks}</td>
                        <td class="num">{g.adjudications}</td>
                        <td class="num">{g.appeals}</td>
                        <td class="num">{g.compared}</td>
                        <td class="num">{signed(g.meanDifference)}</td>
                        <td class="num">{g.meanAbsoluteDifference === null ? '–' : g.meanAbsoluteDifference.toFixed(2)}</td>
                        <td class="num">{g.doubleMarked}</td>
                        <td class="num">{share(g.adjudicatedShare)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  );
}
