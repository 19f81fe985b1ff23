// Writes a run's results into BENCHMARKS.md, between the results markers; the text around them
// (how to read the numbers, where the bottleneck is) is kept as it is.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { BenchResult, Summary } from './measure.ts';

const start = '<!-- results:start (written by npm run bench) -->';
const end = '<!-- results:end -->';

const ms = (s: Summary) => `${s.p50} / ${s.p95} / ${s.p99}`;

export function resultsMarkdown(r: BenchResult, file: string): string {
  const m = r.machine;
  const { baseline, api } = r.burst;
  const [idle, slow] = r.overhead;
  const lines = [
    start,
    `Run of ${r.startedAt}, commit \`${m.gitCommit}\`, with \`${r.command}\` (raw: [\`${file}\`](${file})).`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}, ${m.postgres}, ${m.temporal}, ${m.redis}; ` +
      Object.entries(m.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ') +
      '.',
    '',
    `Parameters: N = ${r.parameters.N} submissions, C = ${r.parameters.C} concurrent clients, S = ${r.parameters.S} streams, ` +
      `M = ${r.parameters.M} sequential submissions; defaults otherwise (SCORING_WORKER_CONCURRENCY ${r.parameters.scoringWorkerConcurrency}, DATABASE_POOL_SIZE ${r.parameters.databasePoolSize}, one API process, one worker).`,
    '',
    '| Exam-deadline burst | accepted / s | latency p50 / p95 / p99 (ms) | accepted | refused | lost |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| bare Express insert (baseline) | ${baseline.acceptedPerSecond} | ${ms(baseline.latencyMs)} | ${baseline.accepted} | ${baseline.refused} | – |`,
    `| the API: auth, validation, row + event, workflow start | ${api.acceptedPerSecond} | ${ms(api.latencyMs)} | ${api.accepted} | ${api.refused} | ${r.burst.lost} |`,
    `| ratio API / baseline | **${r.burst.ratio}** | | | | |`,
    '',
    '| Drain (burst start → all graded) | seconds | graded / s | end-to-end p50 / p95 / p99 (ms) | completed | duplicated |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['provider latency 0 ms', r.drain.providerLatency0ms],
        ['provider latency 1000 ms', r.drain.providerLatency1000ms],
      ] as const
    ).map(([name, d]) => `| ${name} | ${d.seconds} | ${d.gradedPerSecond} | ${ms(d.endToEndMs)} | ${d.completed} / ${d.stored} | ${d.duplicated} |`),
    '',
    '| Orchestration overhead, one submission at a time | end-to-end p50 / p99 (ms) | overhead (end-to-end − provider) p50 / p99 (ms) |',
    '| --- | ---: | ---: |',
    ...[idle!, slow!].map((o) => `| provider latency ${o.providerLatencyMs} ms (${o.submissions} submissions) | ${o.endToEndMs.p50} / ${o.endToEndMs.p99} | ${o.overheadMs.p50} / ${o.overheadMs.p99} |`),
    '',
    '| Provider rate limit | configured RPM | achieved RPM | utilisation | 429 answers | drain (s) | ideal (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${r.rateLimit.submissions} submissions | ${r.rateLimit.configuredRpm} | ${r.rateLimit.achievedRpm} | ${Math.round(r.rateLimit.utilisation * 100)} % | ${r.rateLimit.rejected429} | ${r.rateLimit.drainSeconds} | ${r.rateLimit.idealSeconds} |`,
    '',
    '| SSE fan-out | streams | delivered | latency p50 / p95 / p99 (ms) | API RSS with the streams open (MiB) |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| one \`completed\` event | ${r.sseFanOut.streams} | ${r.sseFanOut.delivered} | ${ms(r.sseFanOut.latencyMs)} | ${r.sseFanOut.apiRssMiBWithStreams} |`,
    '',
    '| Memory | peak RSS sampled (MiB) | kernel high-water mark VmHWM (MiB) |',
    '| --- | ---: | ---: |',
    ...Object.entries(r.memory).map(([name, mem]) => `| ${name} | ${mem.peakRssMiB} | ${mem.highWaterMiB} |`),
    end,
  ];
  return lines.join('\n');
}

export async function writeReport(markdownPath: string, r: BenchResult, file: string): Promise<void> {
  const results = resultsMarkdown(r, file);
  const current = existsSync(markdownPath) ? await readFile(markdownPath, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? `${current.slice(0, from)}${results}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${results}\n`;
  await writeFile(markdownPath, next);
}
