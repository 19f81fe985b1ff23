// npm run eval -- --data <csv> [--scorer offline|llm] [--limit N] ...
// Grades a labelled essay set with a configured scorer, in process, and reports agreement with
// the human raters (docs/scoring.md: "Evaluating a scorer"). The table goes to the terminal, the full
// report (with confusion matrices) to a JSON file.
import { parseCommandLine, usageFailure } from './command-line.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, readEnvironment } from '../src/config/env.ts';
import { writingTasks, type WritingTask } from '../src/domain/scores.ts';
import { defaultCalibration, defaultGrid, defaultMapping, parseCalibration, parseMapping, readLabelledEssays } from '../src/evaluation/dataset.ts';
import { calibrationFromReport, evaluate } from '../src/evaluation/harness.ts';
import { defaultAutoAcceptProbability } from '../src/domain/routing.ts';
import { coverageAt } from '../src/scoring/calibration.ts';
import { formatReport } from '../src/evaluation/report.ts';
import { BaselineScorer, offlineOpinionOf } from '../src/scoring/baseline-scorer.ts';
import { createScorer } from '../src/scoring/index.ts';
import type { Scorer } from '../src/scoring/scorer.ts';

const usage = `Usage: npm run eval -- --data <file.csv> [options]

  --data <file>          CSV with a text column and human scores (required)
  --scorer <name>        offline (default) or llm (the OPENAI_* endpoint and model from the configuration)
  --limit <n>            only the first n essays
  --task <task>          task1 or task2 (default): the task minimum the scorer applies
  --prompt <text>        the task prompt every essay answers (default none: prompt coverage is not judged)
  --map <pairs>          data column=criterion pairs (default ${Object.entries(defaultMapping).map(([k, v]) => `${k}=${v}`).join(',')})
  --calibration <a,b>    VSTEP score = a × data score + b (default ${defaultCalibration.slope},${defaultCalibration.intercept})
  --text-column <name>   default text;   --id-column <name>  default id
  --concurrency <n>      essays scored at once (default 4 for llm, 1 offline)
  --retries <n>          further attempts when the provider is unavailable or malformed (default 3)
  --out <file>           JSON report (default eval-results/<scorer>-<time>.json)
  --write-calibration <file>
                         llm: fit a calibration of the LLM's errors from this run (the essays must be
                         ones it never saw) and write it; SCORING_CALIBRATION_FILE then uses it
`;


// Typed explicitly: only then does a call end the control flow, as `never` must.
const fail: (message: string) => never = usageFailure(usage);

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number, not "${value}"`);
  return n;
}

/** A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal. */
function progressBar(): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  const started = Date.now();
  return (done, total) => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const seconds = (Date.now() - started) / 1000;
    const eta = done ? ((total - done) * seconds) / done : 0;
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ${seconds.toFixed(0)} s, ~${eta.toFixed(0)} s left `);
    if (done === total) process.stderr.write('\n');
  };
}

const args = parseCommandLine(
  {
    data: { type: 'string' },
    scorer: { type: 'string', default: 'offline' },
    limit: { type: 'string' },
    task: { type: 'string', default: 'task2' },
    prompt: { type: 'string', default: '' },
    map: { type: 'string' },
    calibration: { type: 'string' },
    'text-column': { type: 'string', default: 'text' },
    'id-column': { type: 'string', default: 'id' },
    concurrency: { type: 'string' },
    retries: { type: 'string' },
    out: { type: 'string' },
    'write-calibration': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  usage,
);
if (!args.data) fail('--data is required');
if (args.scorer !== 'offline' && args.scorer !== 'llm') fail(`--scorer must be offline or llm, not "${args.scorer}"`);
if (!(writingTasks as readonly string[]).includes(args.task)) fail(`--task must be ${writingTasks.join(' or ')}`);
if (args['write-calibration'] && args.scorer !== 'llm') fail('--write-calibration is for --scorer llm (npm run fit:offline calibrates the offline scorer)');

let mapping = defaultMapping;
let calibration = defaultCalibration;
try {
  if (args.map) mapping = parseMapping(args.map);
  if (args.calibration) calibration = parseCalibration(args.calibration);
} catch (error) {
  fail((error as Error).message);
}

const config = loadConfig(readEnvironment());
let scorer: Scorer;
if (args.scorer === 'llm') {
  const { openai } = config.scoring;
  if (!openai.apiKey && !openai.baseUrl) fail('--scorer llm needs OPENAI_API_KEY or OPENAI_BASE_URL (and OPENAI_MODEL) in the environment or .env');
  try {
    scorer = createScorer({ ...config, scoring: { ...config.scoring, provider: 'openai' } });
  } catch (error) {
    fail((error as Error).message);
  }
} else {
  scorer = new BaselineScorer();
}

const essays = await readLabelledEssays(args.data, {
  mapping,
  textColumn: args['text-column'],
  idColumn: args['id-column'],
  grid: defaultGrid,
  limit: args.limit === undefined ? undefined : wholeNumber('limit', args.limit, 0),
}).catch((error: Error) => fail(error.message));

const report = await evaluate(scorer, essays, {
  task: args.task as WritingTask,
  prompt: args.prompt,
  mapping,
  calibration,
  grid: defaultGrid,
  routing: config.grading.routing,
  concurrency: wholeNumber('concurrency', args.concurrency, args.scorer === 'llm' ? 4 : 1),
  retries: wholeNumber('retries', args.retries, 3),
  offlineOpinion: args.scorer === 'llm' ? offlineOpinionOf : undefined,
  onProgress: progressBar(),
});

const out = args.out ?? path.join('eval-results', `${args.scorer}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await mkdir(path.dirname(path.resolve(out)), { recursive: true });
await writeFile(out, `${JSON.stringify({ data: path.resolve(args.data), ...report }, null, 2)}\n`);
process.stdout.write(`${formatReport(report)}JSON report: ${out}\n`);
if (args['write-calibration']) {
  const calibration = calibrationFromReport(report, config.scoring.openai.model);
  await writeFile(args['write-calibration'], `${JSON.stringify(calibration, null, 2)}\n`);
  process.stdout.write(`Calibration of ${calibration.name} written to ${args['write-calibration']} (set SCORING_CALIBRATION_FILE to use it).\n`);
  // What its best bin can claim: with n errors all within ±1.0, no more than 0.1^(1/n).
  const best = Math.max(...calibration.bins.map((bin) => coverageAt(bin, 1)));
  const accept = config.grading.routing.autoAcceptProbability ?? defaultAutoAcceptProbability;
  process.stdout.write(
    `Its most certain bin claims P(within ±1.0) ≥ ${best.toFixed(3)}` +
      (best < accept ? `, below GRADING_AUTO_ACCEPT_PROBABILITY ${accept}: nothing would be final. Bins of n essays can claim at most 0.1^(1/n) (n = 45 for 0.95), so calibrate on more rated essays.\n` : '.\n'),
  );
}
