// People's marks of one answer side by side: a column per mark (first, second, adjudication,
// appeal) and, on an appeal, the result appealed. Criteria on which the first and second marks
// are 1 point or more apart are highlighted, with the word "Differs" and the gap so it is not
// colour alone: they are what an adjudicator looks at first.
import { useId } from 'preact/hooks';
import { dateTime, label, score } from '../lib/format.ts';
import { criteriaFor, criterionGap, disagreementGap } from '../lib/shared.ts';
import type { Mark, Result, ReviewKind, Skill } from '../lib/types.ts';

const order: ReviewKind[] = ['first', 'second', 'adjudication', 'appeal'];

/** The gap at which two marks of a criterion are said to differ: the platform's own rule. */
export const differsBy = disagreementGap;

interface Props {
  skill: Skill;
  marks: Mark[];
  /** The current result, as a last column (an appeal's screen). */
  current?: Result | null;
  heading?: string;
  /** Said instead of the table when there are no marks. */
  empty: string;
}

export function MarksTable({ skill, marks, current, heading = 'The marks side by side', empty }: Props) {
  const headingId = useId();
  const sorted = [...marks].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.markedAt.localeCompare(b.markedAt));
  const first = sorted.find((m) => m.kind === 'first');
  const second = sorted.find((m) => m.kind === 'second');
  const pair = first && second ? ([first, second] as const) : null;
  const names = criteriaFor[skill];
  const gapOf = (name: string) => (pair ? criterionGap(pair[0].criteria, pair[1].criteria, name) : NaN);
  const differing = names.filter((n) => gapOf(n) >= differsBy);
  const columns = [...sorted.map((m) => label(m.kind)), ...(current ? ['Current result'] : []), ...(pair ? ['First vs second'] : [])];

  return (
    <section class="card" aria-labelledby={headingId} data-testid="marks">
      <h2 id={headingId}>{heading}</h2>
      {sorted.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <>
          {pair && (
            <p data-testid="differing-summary">
              {differing.length === 0
                ? `No criterion is ${differsBy} point or more apart between the first and second marks.`
                : `${differing.length} ${differing.length === 1 ? 'criterion is' : 'criteria are'} ${differsBy} point or more apart between the first and second marks: ${differing.map((n) => label(n)).join(', ')}.`}
            </p>
          )}
          <div class="table-wrap">
            <table class="criteria marks-table">
              <caption class="sr-only">
                Each marker’s score per criterion{pair ? `; criteria ${differsBy} point or more apart are marked “Differs”` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Criterion</th>
                  {columns.map((c) => (
                    <th key={c} scope="col" class="num">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {names.map((name) => {
                  const gap = gapOf(name);
                  const differs = gap >= differsBy;
                  return (
                    <tr key={name} class={differs ? 'differs' : undefined} data-testid="mark-row" data-criterion={name} data-differs={differs ? 'true' : 'false'}>
                      <th scope="row">{label(name)}</th>
                      {sorted.map((m) => (
                        <td key={m.id} class="num">
                          {score(m.criteria[name]?.score)}
                          {m.criteria[name]?.feedback && <div class="mark-feedback">{m.criteria[name]!.feedback}</div>}
                        </td>
                      ))}
                      {current && <td class="num">{score(current.criteria[name]?.score)}</td>}
                      {pair && (
                        <td class="num">
                          {differs ? (
                            <strong class="differs-marker">Differs by {gap.toFixed(1)}</strong>
                          ) : Number.isNaN(gap) ? (
                            '–'
                          ) : (
                            <span class="muted">{gap.toFixed(1)}</span>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
                <tr class="overall-row">
                  <th scope="row">Overall</th>
                  {sorted.map((m) => (
                    <td key={m.id} class="num">
                      <strong>{score(m.overall)}</strong> ({m.level ?? 'below B1'})
                    </td>
                  ))}
                  {current && (
                    <td class="num">
                      <strong>{score(current.overall)}</strong> ({current.level ?? 'below B1'})
                    </td>
                  )}
                  {pair && <td class="num">{Math.abs(pair[0].overall - pair[1].overall).toFixed(1)}</td>}
                </tr>
                <tr>
                  <th scope="row">Overall feedback</th>
                  {sorted.map((m) => (
                    <td key={m.id} class="mark-feedback">
                      {m.feedback || <span class="muted">none</span>}
                    </td>
                  ))}
                  {current && <td class="mark-feedback">{current.feedback || <span class="muted">none</span>}</td>}
                  {pair && <td />}
                </tr>
                <tr>
                  <th scope="row">Marked</th>
                  {sorted.map((m) => (
                    <td key={m.id} class="small">
                      <time dateTime={m.markedAt}>{dateTime(m.markedAt)}</time>
                    </td>
                  ))}
                  {current && (
                    <td class="small">
                      <time dateTime={current.gradedAt}>{dateTime(current.gradedAt)}</time>
                    </td>
                  )}
                  {pair && <td />}
                </tr>
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
