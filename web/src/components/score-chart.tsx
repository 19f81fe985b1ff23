// Overall scores over time for one skill, as an SVG line chart with the level thresholds marked.
// The same numbers follow in a table for screen readers and for reading exact values.
import { dateTime, score } from '../lib/format.ts';
import { TableHead } from './ui.tsx';
import type { ProgressPoint } from '../lib/types.ts';

const width = 640;
const height = 240;
const pad = { left: 36, right: 16, top: 12, bottom: 28 };
const thresholds = [
  [4, 'B1'],
  [6, 'B2'],
  [8.5, 'C1'],
] as const;

export function ScoreChart({ points, title }: { points: ProgressPoint[]; title: string }) {
  const times = points.map((p) => new Date(p.gradedAt).getTime());
  const first = Math.min(...times);
  const span = Math.max(...times) - first || 1;
  const x = (t: number) => pad.left + (points.length === 1 ? 0.5 : (t - first) / span) * (width - pad.left - pad.right);
  const y = (s: number) => pad.top + (1 - s / 10) * (height - pad.top - pad.bottom);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]!).toFixed(1)},${y(p.overall).toFixed(1)}`).join(' ');
  const latest = points[points.length - 1];
  const summary = `${title}: ${points.length} graded, from ${score(points[0]?.overall)} to ${score(latest?.overall)}.`;

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {[0, 2, 4, 6, 8, 10].map((s) => (
          <g key={s}>
            <line class="grid" x1={pad.left} x2={width - pad.right} y1={y(s)} y2={y(s)} />
            <text class="axis" x={pad.left - 6} y={y(s) + 4} text-anchor="end">
              {s}
            </text>
          </g>
        ))}
        {thresholds.map(([s, name]) => (
          <g key={name}>
            <line class="threshold" x1={pad.left} x2={width - pad.right} y1={y(s)} y2={y(s)} />
            <text class="threshold-label" x={width - pad.right} y={y(s) - 4} text-anchor="end">
              {name} from {s}
            </text>
          </g>
        ))}
        <path class="series" d={line} />
        {points.map((p, i) => (
          <circle key={p.submissionId} class="dot" cx={x(times[i]!)} cy={y(p.overall)} r={4}>
            <title>
              {dateTime(p.gradedAt)}: {score(p.overall)}
            </title>
          </circle>
        ))}
      </svg>
      <figcaption>
        <details>
          <summary>{title} as a table</summary>
          <table>
            <TableHead columns={['Graded', 'Task', 'Overall', 'Level']} />
            <tbody>
              {points.map((p) => (
                <tr key={p.submissionId}>
                  <td>{dateTime(p.gradedAt)}</td>
                  <td>{p.task}</td>
                  <td class="num">{score(p.overall)}</td>
                  <td>{p.level ?? 'below B1'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
