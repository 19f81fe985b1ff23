// How should the worker drive the offline speech recogniser (src/speech/whisper-server.py, Whisper
// tiny.en on faster-whisper)? Way A: one HTTP server (startWhisperServer), reached through the
// platform's own path, OpenAITranscriber (multipart upload, JSON, zod validation). Way B: a sidecar
// per worker, the same script with --stdio: one JSON request line in, one answer line out.
//
//     npm run bench:speech -- [--n 30] [--long 3] [--pairs 10] [--cold 3] [--out file]
//
// Both ways get the same espeak-ng recordings (10 short VSTEP-style answers, a ~60 s answer made by
// joining them, and a tiny one for start-up), and each measurement alternates the ways (A B, then
// B A) so that drift on a shared machine falls on both. It measures:
// - cold start (--cold times each): spawn → ready (server: GET /health answers; sidecar: its answer
//   to the tiny recording) and, for both, spawn → first answer;
// - warm latency: --n transcriptions of the short answers per way (whole rounds, at least 3 of each
//   recording), median and p90, and the 60 s answer (--long times each);
// - two requests at once (--pairs pairs of short answers): two in flight to the server, two queued
//   on one sidecar, and one each to two sidecars (2 threads each, as configured by default, and
//   1 thread each, so the two share the 2 cores without oversubscription);
// - CPU per answer: the Python process's user + system seconds (/proc/<pid>/stat), which other load
//   on a shared machine disturbs far less than wall time, and this Node process's (the client side);
// - memory of every Python process after its work (VmRSS, VmHWM, RssAnon from /proc/<pid>/status,
//   Pss from smaps_rollup), and two workers' total: one shared server against two sidecars;
// - lifecycle under kill -9: how long a sidecar outlives its killed parent (idle, and mid-answer,
//   and the CPU it burns for nobody), how soon the server is free again after a client is killed
//   mid-request, and whether the server outlives the process that started it.
// Results: a table on stdout and JSON in bench/results/speech-recogniser-<time>.json (or --out),
// with B/A ratios. Every process it starts is stopped on the way out, kill -9 as a last resort.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { freePort } from '../src/embedded/ports.ts';
import { findWhisper, startWhisperServer, whisperServerScript, type RunningWhisper, type WhisperInstall } from '../src/embedded/whisper.ts';
import { percentile } from '../src/lib/percentile.ts';
import { probeAudioFile, type AudioInfo } from '../src/speech/audio-format.ts';
import { OpenAITranscriber } from '../src/speech/openai-transcriber.ts';
import { pcmWav } from '../src/testing/wav.ts';
import { root } from './load.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '30' },
    long: { type: 'string', default: '3' },
    pairs: { type: 'string', default: '10' },
    cold: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
});

function count(name: 'n' | 'long' | 'pairs' | 'cold'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number of at least 1`);
  return value;
}

const model = 'whisper-tiny.en';
const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// Processes this benchmark started: stopped by the cleanups, and killed on any exit regardless.

const pids = new Set<number>();
const cleanups: Array<() => Promise<unknown>> = [];
process.on('exit', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** False once the process is gone or a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Milliseconds until `pid` is gone, or null if it is still there after `timeoutMs`. */
async function waitGone(pid: number, timeoutMs: number, sample?: () => void): Promise<number | null> {
  const started = now();
  while (now() - started < timeoutMs) {
    if (!alive(pid)) return now() - started;
    sample?.();
    await sleep(20);
  }
  return null;
}

/** Stops a process that is not (or no longer) our child: SIGTERM, then SIGKILL. */
async function terminate(pid: number): Promise<void> {
  for (const [signal, wait] of [['SIGTERM', 10_000], ['SIGKILL', 5_000]] as const) {
    if (!alive(pid)) break;
    try {
      process.kill(pid, signal);
    } catch {
      break;
    }
    await waitGone(pid, wait);
  }
  pids.delete(pid);
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

interface Memory {
  rssMiB: number;
  hwmMiB: number;
  anonMiB: number;
  fileMiB: number;
  /** Proportional set size: shared pages (libraries) divided among the processes mapping them. */
  pssMiB: number | null;
}

function memoryOf(pid: number): Memory {
  const kib = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  let pss: number | null = null;
  try {
    pss = kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    // smaps_rollup needs a 4.14+ kernel and ptrace access
  }
  const mib = (k: number) => Math.round((k / 1024) * 10) / 10;
  return {
    rssMiB: mib(kib(status, 'VmRSS')),
    hwmMiB: mib(kib(status, 'VmHWM')),
    anonMiB: mib(kib(status, 'RssAnon')),
    fileMiB: mib(kib(status, 'RssFile')),
    pssMiB: pss === null ? null : mib(pss),
  };
}

/** The command line of `pid`, to check that it is the recogniser (the pyenv shim execs into Python). */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '(gone)';
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics.

interface Stats {
  count: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: round(percentile(sorted, 50), 1),
    p90: round(percentile(sorted, 90), 1),
    min: round(sorted[0] ?? Number.NaN, 1),
    max: round(sorted.at(-1) ?? Number.NaN, 1),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1), 1),
  };
}

const ratio = (b: number, a: number) => round(b / a, 3);

/** Python CPU seconds per answer, to two places (the kernel counts in clock ticks). */
function cpuStats(answers: readonly Answer[]): Stats {
  const s = stats(answers.flatMap((a) => (a.pythonCpuS === null ? [] : [a.pythonCpuS * 1000])));
  return { count: s.count, median: s.median / 1000, p90: s.p90 / 1000, min: s.min / 1000, max: s.max / 1000, mean: s.mean / 1000 };
}

/** Runs `a` then `b`, or `b` then `a` on odd turns, so that neither way always goes first. */
async function alternate<A, B>(turn: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (turn % 2 === 0) {
    const x = await a();
    return [x, await b()];
  }
  const y = await b();
  return [await a(), y];
}

// ---------------------------------------------------------------------------------------------
// Recordings.

const shortAnswers = [
  'My hometown is a small city in the north of Vietnam. I like it because the people are friendly and the food is delicious.',
  'In my free time I usually read books or play badminton with my friends. It helps me relax after a long day at school.',
  'I think public transport is the best way to reduce traffic jams in big cities. The government should build more buses and metro lines.',
  'My favourite teacher was my English teacher in high school. She was patient and always encouraged us to speak in class.',
  'Living in the countryside is peaceful, but there are fewer jobs. That is why many young people move to the city after graduation.',
  'I would choose to study online because it saves time and money. However, it is harder to stay focused without a teacher nearby.',
  'Last summer my family travelled to Da Nang. We swam in the sea every morning and tried a lot of local seafood.',
  'Social media helps us keep in touch with friends, but people spend too much time on their phones. We should use it wisely.',
  'To protect the environment, we can recycle plastic, save electricity and plant more trees in our neighbourhood.',
  'In the future I want to become a software engineer, so I am practising English every day. It helps me read technical documents.',
];
const tinyAnswer = 'Hello, my name is Lan.';
const longSeconds = 60;

interface Recording {
  name: string;
  path: string;
  info: AudioInfo;
  seconds: number;
  script: string;
}

async function recording(name: string, file: string, script: string): Promise<Recording> {
  const info = await probeAudioFile(file);
  return { name, path: file, info, seconds: round(info.durationSeconds ?? Number.NaN, 2), script };
}

/** The short answers, a tiny one, and a long one: the short ones joined (0.6 s apart) to ≥ 60 s. */
async function synthesise(dir: string): Promise<{ tiny: Recording; short: Recording[]; long: Recording }> {
  const speak = async (name: string, text: string) => {
    const file = path.join(dir, `${name}.wav`);
    execFileSync('espeak-ng', ['-s', '150', '-w', file, text]);
    return recording(name, file, text);
  };
  const tiny = await speak('tiny', tinyAnswer);
  const short: Recording[] = [];
  for (const [i, text] of shortAnswers.entries()) short.push(await speak(`answer-${String(i + 1).padStart(2, '0')}`, text));

  const pcm = short[0]?.info.pcm;
  if (!pcm || pcm.bitsPerSample !== 16) throw new Error('espeak-ng did not write 16-bit PCM WAV');
  const gap = Buffer.alloc(Math.round(0.6 * pcm.sampleRate) * pcm.channels * 2);
  const pieces: Buffer[] = [];
  const scripts: string[] = [];
  let seconds = 0;
  for (let i = 0; seconds < longSeconds; i++) {
    const piece = short[i % short.length]!;
    const layout = piece.info.pcm!;
    const bytes = await readFile(piece.path);
    pieces.push(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes), gap);
    scripts.push(piece.script);
    seconds += piece.seconds + 0.6;
  }
  const longFile = path.join(dir, 'long.wav');
  await writeFile(longFile, pcmWav(Buffer.concat(pieces), pcm.sampleRate, pcm.channels));
  return { tiny, short, long: await recording('long', longFile, scripts.join(' ')) };
}

// ---------------------------------------------------------------------------------------------
// Way A: the HTTP server through OpenAITranscriber.

interface Answer {
  ms: number;
  text: string;
  /** CPU seconds the Python process spent meanwhile (meaningful when it serves one request at a time). */
  pythonCpuS: number | null;
  /** CPU milliseconds this Node process spent meanwhile: the client side of the way. */
  nodeCpuMs: number;
}

const nodeCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const cpuSince = (pid: number, before: number | null) => {
  const after = cpuSeconds(pid);
  return before === null || after === null ? null : round(after - before, 2);
};

interface Server {
  running: RunningWhisper;
  transcriber: OpenAITranscriber;
  /** spawn → GET /health answers (startWhisperServer polls every 100 ms). */
  readyMs: number;
}

async function startServer(install: WhisperInstall): Promise<Server> {
  const port = await freePort();
  const started = now();
  const running = await startWhisperServer(install, { port, model });
  const readyMs = now() - started;
  pids.add(running.pid);
  cleanups.push(() => stopServer({ running }));
  return { running, readyMs, transcriber: new OpenAITranscriber({ baseUrl: running.url, model, timeoutSeconds: 600, provider: 'whisper' }) };
}

async function stopServer({ running }: { running: RunningWhisper }): Promise<void> {
  if (!pids.has(running.pid)) return;
  await Promise.race([running.stop(), sleep(10_000)]);
  await terminate(running.pid);
}

async function viaServer(server: Server, file: Recording): Promise<Answer> {
  const [started, cpu, node] = [now(), cpuSeconds(server.running.pid), nodeCpuMs()];
  const heard = await server.transcriber.transcribe(
    { path: file.path, info: file.info },
    { heartbeat: () => undefined, signal: AbortSignal.timeout(300_000) },
  );
  return { ms: now() - started, text: heard.text, pythonCpuS: cpuSince(server.running.pid, cpu), nodeCpuMs: nodeCpuMs() - node };
}

// ---------------------------------------------------------------------------------------------
// Way B: the sidecar, whisper-server.py --stdio.

interface Waiting {
  started: number;
  cpu: number | null;
  node: number;
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class Sidecar {
  readonly pid: number;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly waiting: Waiting[] = [];
  private log = '';

  constructor(install: WhisperInstall, threads?: number) {
    const argv = [whisperServerScript, '--model', install.modelDir, '--stdio', ...(threads ? ['--threads', String(threads)] : [])];
    this.child = spawn(install.python, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new Error(`could not start ${install.python}`);
    this.pid = this.child.pid;
    pids.add(this.pid);
    cleanups.push(() => this.stop());
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.answer(line));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        pids.delete(this.pid);
        const why = new Error(`the sidecar exited (${signal ?? code}): ${this.log.trim().split('\n').slice(-3).join(' ') || 'no output'}`);
        for (const w of this.waiting.splice(0)) {
          clearTimeout(w.timer);
          w.reject(why);
        }
        resolve();
      }),
    );
  }

  /** One request; `ms` runs from writing it to the parsed answer, so it includes any queueing. */
  transcribe(file: Recording, timeoutMs = 300_000): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the sidecar did not answer within ${timeoutMs} ms`));
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.waiting.push({ started: now(), cpu: cpuSeconds(this.pid), node: nodeCpuMs(), resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ path: file.path })}\n`);
    });
  }

  private answer(line: string): void {
    const w = this.waiting.shift();
    if (!w) return;
    clearTimeout(w.timer);
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch {
      return w.reject(new Error(`the sidecar answered something other than JSON: ${line.slice(0, 200)}`));
    }
    const answer = body as { text?: unknown; error?: unknown };
    if (typeof answer.error === 'string') return w.reject(new Error(`the sidecar failed: ${answer.error}`));
    if (typeof answer.text !== 'string') return w.reject(new Error('the sidecar answered without text'));
    w.resolve({ ms: now() - w.started, text: answer.text.trim(), pythonCpuS: cpuSince(this.pid, w.cpu), nodeCpuMs: nodeCpuMs() - w.node });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.end();
    await Promise.race([this.exited, sleep(10_000)]);
    await terminate(this.pid);
    await this.exited;
  }
}

/** A sidecar that has loaded its model: spawn → the answer to the tiny recording. */
async function startSidecar(install: WhisperInstall, tiny: Recording, threads?: number): Promise<{ sidecar: Sidecar; firstAnswerMs: number }> {
  const started = now();
  const sidecar = new Sidecar(install, threads);
  await sidecar.transcribe(tiny, 120_000);
  return { sidecar, firstAnswerMs: now() - started };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: a small Node program stands in for a worker, and is killed with SIGKILL.

interface NodeChild {
  child: ChildProcess;
  /** The first stdout line matching `pattern` (must be asked for before it can arrive: at once). */
  line: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  kill9: () => Promise<void>;
}

function spawnNode(script: string, argv: string[]): NodeChild {
  // The stand-in gives up by itself after 5 minutes, whatever happens to the benchmark.
  const program = `setTimeout(() => process.exit(0), 300000);\n${script}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  pids.add(pid);
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => pids.delete(pid));
  const lines = createInterface({ input: child.stdout! });
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    line: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const fail = (why: string) => {
          clearTimeout(timer);
          lines.off('line', onLine);
          reject(new Error(`${why}: ${log.trim() || 'no output'}`));
        };
        const timer = setTimeout(() => fail(`no line matching ${pattern} within ${timeoutMs} ms`), timeoutMs);
        const onLine = (line: string) => {
          const match = pattern.exec(line);
          if (!match) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(match);
        };
        lines.on('line', onLine);
        void exited.then(() => fail('the stand-in worker exited'));
      }),
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A worker with a sidecar: loads it (tiny request), optionally sends the long one, prints its pid. */
const sidecarWorker = `
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
const [python, script, modelDir, tiny, long] = process.argv.slice(1);
const child = spawn(python, [script, '--model', modelDir, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
child.stderr.resume();
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
child.stdin.write(JSON.stringify({ path: tiny }) + '\\n');
await lines.next();
if (long) child.stdin.write(JSON.stringify({ path: long }) + '\\n');
process.stdout.write('pid ' + child.pid + '\\n');
setInterval(() => undefined, 1000);
`;

/** A worker that posts the long recording to the server and waits for the answer. */
const serverClient = `
import { readFileSync } from 'node:fs';
const [url, file] = process.argv.slice(1);
const form = new FormData();
form.append('file', new Blob([readFileSync(file)], { type: 'audio/wav' }), 'answer.wav');
form.append('model', 'whisper-tiny.en');
form.append('response_format', 'verbose_json');
const answer = fetch(url + '/audio/transcriptions', { method: 'POST', body: form });
process.stdout.write('sent\\n');
await answer;
process.stdout.write('answered\\n');
setInterval(() => undefined, 1000);
`;

/** What `npm start` does: starts the server as its child (prints its pid). */
const serverStarter = `
import { spawn } from 'node:child_process';
const [python, script, modelDir, port] = process.argv.slice(1);
const child = spawn(python, [script, '--model', modelDir, '--port', port], { stdio: 'ignore' });
process.stdout.write('pid ' + child.pid + '\\n');
setInterval(() => undefined, 1000);
`;

async function sidecarOrphan(install: WhisperInstall, tiny: Recording, long: Recording | null) {
  const worker = spawnNode(sidecarWorker, [install.python, whisperServerScript, install.modelDir, tiny.path, ...(long ? [long.path] : [])]);
  const pid = Number((await worker.line(/^pid (\d+)$/, 120_000))[1]);
  pids.add(pid);
  if (long) await sleep(2000); // well into the long answer
  const cpuAtKill = cpuSeconds(pid);
  let cpuLast = cpuAtKill;
  await worker.kill9();
  const exitMs = await waitGone(pid, 180_000, () => {
    cpuLast = cpuSeconds(pid) ?? cpuLast;
  });
  await terminate(pid);
  return {
    busy: long !== null,
    sidecarExitedAfterMs: exitMs === null ? null : round(exitMs),
    cpuSecondsAfterKill: cpuAtKill === null || cpuLast === null ? null : round(cpuLast - cpuAtKill, 2),
  };
}

async function serverClientKilled(server: Server, tiny: Recording, long: Recording) {
  const idle = await viaServer(server, tiny);
  const client = spawnNode(serverClient, [server.running.url, long.path]);
  await client.line(/^sent$/, 30_000);
  await sleep(2000); // well into the long answer
  await client.kill9();
  const next = await viaServer(server, tiny);
  return { tinyIdleMs: round(idle.ms), tinyRightAfterKillMs: round(next.ms) };
}

async function serverOrphan(install: WhisperInstall) {
  const port = await freePort();
  const starter = spawnNode(serverStarter, [install.python, whisperServerScript, install.modelDir, String(port)]);
  const pid = Number((await starter.line(/^pid (\d+)$/, 30_000))[1]);
  pids.add(pid);
  cleanups.push(() => terminate(pid));
  const health = () => fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
  const deadline = now() + 60_000;
  while (!(await health()) && now() < deadline) await sleep(100);
  await starter.kill9();
  await sleep(5000);
  const result = { serverAliveAfterStarterKilled5s: alive(pid), stillServing: await health() };
  await terminate(pid);
  return result;
}

// ---------------------------------------------------------------------------------------------

type PairRun = { wallMs: number; latencies: number[] };

async function pair(run: () => Promise<Answer[]>): Promise<PairRun> {
  const started = now();
  const answers = await run();
  return { wallMs: now() - started, latencies: answers.map((a) => a.ms) };
}

const mib = (n: number) => round(n / 2 ** 20, 1);

async function measure() {
  const startedAt = new Date();
  const N = count('n');
  const LONG = count('long');
  const PAIRS = count('pairs');
  const COLD = count('cold');
  const command = ['npx tsx bench/speech-recogniser.ts', ...process.argv.slice(2)].join(' ');
  const loadBefore = loadavg();

  const install = findWhisper({ python: 'python3' });
  if ('problem' in install) throw new Error(`the recogniser cannot run here: ${install.problem} (npm run setup installs it)`);
  const versions = execFileSync(
    install.python,
    ['-c', 'import sys, faster_whisper, ctranslate2; print(sys.version.split()[0], faster_whisper.__version__, ctranslate2.__version__)'],
    { encoding: 'utf8' },
  )
    .trim()
    .split(' ');

  const scratch = await mkdtemp(path.join(tmpdir(), 'vstep-speech-bench-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const { tiny, short, long } = await synthesise(scratch);
  const rounds = Math.max(3, Math.ceil(N / short.length));
  say(`Recordings (espeak-ng -s 150, ${scratch}): ${short.length} short answers of ${Math.min(...short.map((r) => r.seconds))}–${Math.max(...short.map((r) => r.seconds))} s, a long one of ${long.seconds} s, a tiny one of ${tiny.seconds} s`);
  say(`Python ${versions[0]}, faster-whisper ${versions[1]}, CTranslate2 ${versions[2]}, model ${install.modelDir}`);

  // Cold starts, each way in a fresh process.
  say(`\nCold starts (${COLD} of each, alternating) ...`);
  const cold = { serverReady: [] as number[], serverFirstAnswer: [] as number[], sidecarFirstAnswer: [] as number[] };
  for (let turn = 0; turn < COLD; turn++) {
    await alternate(
      turn,
      async () => {
        const started = now();
        const server = await startServer(install);
        await viaServer(server, tiny);
        cold.serverReady.push(server.readyMs);
        cold.serverFirstAnswer.push(now() - started);
        await stopServer(server);
      },
      async () => {
        const { sidecar, firstAnswerMs } = await startSidecar(install, tiny);
        cold.sidecarFirstAnswer.push(firstAnswerMs);
        await sidecar.stop();
      },
    );
  }

  // The long-lived ones, warmed up on the tiny recording and one short answer.
  const server = await startServer(install);
  const { sidecar } = await startSidecar(install, tiny);
  say(`Server pid ${server.running.pid}: ${commandOf(server.running.pid)}`);
  say(`Sidecar pid ${sidecar.pid}: ${commandOf(sidecar.pid)}`);
  for (const file of [tiny, short[0]!]) await alternate(0, () => viaServer(server, file), () => sidecar.transcribe(file));

  say(`Warm latency: ${rounds} rounds of ${short.length} short answers, each way, alternating ...`);
  const warm = { server: new Map<string, number[]>(), sidecar: new Map<string, number[]>() };
  const cpu = { server: [] as Answer[], sidecar: [] as Answer[] };
  const texts = new Map<string, { server: string; sidecar: string }>();
  for (let r = 0; r < rounds; r++) {
    for (const [i, file] of short.entries()) {
      const [a, b] = await alternate(r + i, () => viaServer(server, file), () => sidecar.transcribe(file));
      warm.server.set(file.name, [...(warm.server.get(file.name) ?? []), a.ms]);
      warm.sidecar.set(file.name, [...(warm.sidecar.get(file.name) ?? []), b.ms]);
      cpu.server.push(a);
      cpu.sidecar.push(b);
      if (!texts.has(file.name)) texts.set(file.name, { server: a.text, sidecar: b.text });
    }
    say(`  round ${r + 1}/${rounds} done`);
  }

  say(`The ${long.seconds} s answer, ${LONG} times each way, alternating ...`);
  const longRuns = { server: [] as number[], sidecar: [] as number[] };
  const longCpu = { server: [] as Answer[], sidecar: [] as Answer[] };
  let longText = { server: '', sidecar: '' };
  for (let turn = 0; turn < LONG; turn++) {
    const [a, b] = await alternate(turn, () => viaServer(server, long), () => sidecar.transcribe(long));
    longRuns.server.push(a.ms);
    longRuns.sidecar.push(b.ms);
    longCpu.server.push(a);
    longCpu.sidecar.push(b);
    longText = { server: a.text, sidecar: b.text };
  }

  // Two workers' worth of sidecars: a second one like the first (warmed on the long answer too, so
  // that its memory high-water mark is comparable), and a pair with 1 thread each.
  say('Starting a second sidecar (2 threads) and two with 1 thread each ...');
  const second = await startSidecar(install, tiny);
  await second.sidecar.transcribe(long);
  const single = [await startSidecar(install, tiny, 1), await startSidecar(install, tiny, 1)].map((s) => s.sidecar);
  const [one, two] = single as [Sidecar, Sidecar];

  say(`Two requests at once: ${PAIRS} pairs of short answers, each arrangement in rotating order ...`);
  const arrangements: Array<{ key: string; label: string; run: (x: Recording, y: Recording) => Promise<Answer[]> }> = [
    { key: 'serverTwoInFlight', label: 'A server, 2 in flight', run: (x, y) => Promise.all([viaServer(server, x), viaServer(server, y)]) },
    { key: 'oneSidecarTwoQueued', label: 'B 1 sidecar, 2 queued', run: (x, y) => Promise.all([sidecar.transcribe(x), sidecar.transcribe(y)]) },
    { key: 'twoSidecars2Threads', label: 'B 2 sidecars × 2 threads', run: (x, y) => Promise.all([sidecar.transcribe(x), second.sidecar.transcribe(y)]) },
    { key: 'twoSidecars1Thread', label: 'B 2 sidecars × 1 thread', run: (x, y) => Promise.all([one.transcribe(x), two.transcribe(y)]) },
  ];
  const pairRuns = new Map<string, PairRun[]>(arrangements.map((a) => [a.key, []]));
  const half = Math.ceil(short.length / 2);
  for (let k = 0; k < PAIRS; k++) {
    const x = short[k % short.length]!;
    const y = short[(k + half) % short.length]!;
    for (let j = 0; j < arrangements.length; j++) {
      const arrangement = arrangements[(k + j) % arrangements.length]!;
      pairRuns.get(arrangement.key)!.push(await pair(() => arrangement.run(x, y)));
    }
  }

  // Memory, after all of that.
  const memory = {
    server: memoryOf(server.running.pid),
    sidecar: memoryOf(sidecar.pid),
    secondSidecar: memoryOf(second.sidecar.pid),
    oneThreadSidecars: [memoryOf(one.pid), memoryOf(two.pid)],
    node: { rssMiB: mib(process.memoryUsage().rss), heapUsedMiB: mib(process.memoryUsage().heapUsed) },
  };
  const sum = (ms: Memory[], key: 'rssMiB' | 'hwmMiB' | 'pssMiB') => round(ms.reduce((s, m) => s + (m[key] ?? Number.NaN), 0), 1);
  const twoWorkers = {
    serverShared: { rssMiB: memory.server.rssMiB, hwmMiB: memory.server.hwmMiB, pssMiB: memory.server.pssMiB },
    twoSidecars: {
      rssMiB: sum([memory.sidecar, memory.secondSidecar], 'rssMiB'),
      hwmMiB: sum([memory.sidecar, memory.secondSidecar], 'hwmMiB'),
      pssMiB: sum([memory.sidecar, memory.secondSidecar], 'pssMiB'),
    },
  };
  await Promise.all([sidecar.stop(), second.sidecar.stop(), one.stop(), two.stop()]);

  say('Lifecycle under kill -9 ...');
  const lifecycle = {
    serverClientKilledMidLongAnswer: await serverClientKilled(server, tiny, long),
    sidecarParentKilledIdle: await sidecarOrphan(install, tiny, null),
    sidecarParentKilledMidLongAnswer: await sidecarOrphan(install, tiny, long),
    serverStarterKilled: await serverOrphan(install),
  };
  await stopServer(server);

  // Summaries.
  const all = (m: Map<string, number[]>) => [...m.values()].flat();
  const summary = {
    coldReadyMs: { server: stats(cold.serverReady), sidecar: stats(cold.sidecarFirstAnswer) },
    coldFirstAnswerMs: { server: stats(cold.serverFirstAnswer), sidecar: stats(cold.sidecarFirstAnswer) },
    shortMs: { server: stats(all(warm.server)), sidecar: stats(all(warm.sidecar)) },
    longMs: { server: stats(longRuns.server), sidecar: stats(longRuns.sidecar) },
    shortPythonCpuS: { server: cpuStats(cpu.server), sidecar: cpuStats(cpu.sidecar) },
    longPythonCpuS: { server: cpuStats(longCpu.server), sidecar: cpuStats(longCpu.sidecar) },
    shortNodeCpuMs: { server: stats(cpu.server.map((a) => a.nodeCpuMs)), sidecar: stats(cpu.sidecar.map((a) => a.nodeCpuMs)) },
  };
  const pairs = Object.fromEntries(
    arrangements.map(({ key, label }) => {
      const runs = pairRuns.get(key)!;
      const wall = runs.reduce((s, r) => s + r.wallMs, 0);
      return [key, { label, wallMs: stats(runs.map((r) => r.wallMs)), latencyMs: stats(runs.flatMap((r) => r.latencies)), answersPerMinute: round((2 * runs.length * 60_000) / wall, 1) }];
    }),
  ) as Record<string, { label: string; wallMs: Stats; latencyMs: Stats; answersPerMinute: number }>;
  const serverPairs = pairs.serverTwoInFlight!;
  const ratiosBA = {
    coldFirstAnswerMedian: ratio(summary.coldFirstAnswerMs.sidecar.median, summary.coldFirstAnswerMs.server.median),
    shortMedian: ratio(summary.shortMs.sidecar.median, summary.shortMs.server.median),
    shortP90: ratio(summary.shortMs.sidecar.p90, summary.shortMs.server.p90),
    longMedian: ratio(summary.longMs.sidecar.median, summary.longMs.server.median),
    shortPythonCpuMedian: ratio(summary.shortPythonCpuS.sidecar.median, summary.shortPythonCpuS.server.median),
    longPythonCpuMedian: ratio(summary.longPythonCpuS.sidecar.median, summary.longPythonCpuS.server.median),
    pairWallMedian: Object.fromEntries(
      Object.entries(pairs)
        .filter(([key]) => key !== 'serverTwoInFlight')
        .map(([key, p]) => [key, ratio(p.wallMs.median, serverPairs.wallMs.median)]),
    ),
    pythonRss: ratio(memory.sidecar.rssMiB, memory.server.rssMiB),
    pythonHwm: ratio(memory.sidecar.hwmMiB, memory.server.hwmMiB),
    twoWorkersRss: ratio(twoWorkers.twoSidecars.rssMiB, twoWorkers.serverShared.rssMiB),
    twoWorkersPss: ratio(twoWorkers.twoSidecars.pssMiB, twoWorkers.serverShared.pssMiB ?? Number.NaN),
  };
  const agreement = [...texts.values()].filter((t) => t.server === t.sidecar).length;

  const result = {
    benchmark: 'speech-recogniser',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command,
    parameters: { n: N, rounds, long: LONG, pairs: PAIRS, cold: COLD },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      kernel: release(),
      node: process.version,
      python: versions[0],
      fasterWhisper: versions[1],
      ctranslate2: versions[2],
      model: install.modelDir,
      loadAverageBefore: loadBefore.map((l) => round(l, 2)),
      loadAverageAfter: loadavg().map((l) => round(l, 2)),
    },
    recordings: [tiny, ...short, long].map((r) => ({ name: r.name, seconds: r.seconds, words: r.script.split(/\s+/).length })),
    summary,
    perRecordingMedianMs: Object.fromEntries(
      short.map((r) => [r.name, { seconds: r.seconds, server: stats(warm.server.get(r.name)!).median, sidecar: stats(warm.sidecar.get(r.name)!).median }]),
    ),
    longRealTimeFactor: { server: round(long.seconds / (summary.longMs.server.median / 1000), 1), sidecar: round(long.seconds / (summary.longMs.sidecar.median / 1000), 1) },
    twoAtOnce: pairs,
    memory,
    twoWorkers,
    lifecycle,
    ratiosBA,
    transcripts: {
      identicalAcrossWays: `${agreement}/${texts.size}`,
      short: Object.fromEntries([...texts.entries()].map(([name, t]) => [name, t.server])),
      longIdentical: longText.server === longText.sidecar,
    },
    raw: { cold, warm: { server: Object.fromEntries(warm.server), sidecar: Object.fromEntries(warm.sidecar) }, long: longRuns, pairs: Object.fromEntries(pairRuns) },
  };

  return result;
}

type Result = Awaited<ReturnType<typeof measure>>;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')).join('\n');
}

function report({ summary, twoAtOnce: pairs, memory, twoWorkers, lifecycle, ratiosBA: ratios, transcripts }: Result): void {
  const f = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : String(Math.round(n)));
  const r = (b: number | null, a: number | null) => (a && b !== null ? (b / a).toFixed(2) : '–');
  const row = (label: string, a: number | null, b: number | null) => [label, f(a), f(b), r(b, a)];
  const rowCpu = (label: string, a: number, b: number) => [label, a.toFixed(2), b.toFixed(2), r(b, a)];
  const s = summary;
  say('\n' + table([
    ['', 'A server', 'B sidecar', 'B/A'],
    [`cold: spawn → ready (sidecar: 1st answer), median ms`, f(s.coldReadyMs.server.median), f(s.coldReadyMs.sidecar.median), ''],
    row('cold: spawn → first answer, median ms', s.coldFirstAnswerMs.server.median, s.coldFirstAnswerMs.sidecar.median),
    row('short answers: median ms', s.shortMs.server.median, s.shortMs.sidecar.median),
    row('short answers: p90 ms', s.shortMs.server.p90, s.shortMs.sidecar.p90),
    row('60 s answer: median ms', s.longMs.server.median, s.longMs.sidecar.median),
    rowCpu('short answers: Python CPU s, median', s.shortPythonCpuS.server.median, s.shortPythonCpuS.sidecar.median),
    rowCpu('60 s answer: Python CPU s, median', s.longPythonCpuS.server.median, s.longPythonCpuS.sidecar.median),
    rowCpu('short answers: Node CPU ms, median', s.shortNodeCpuMs.server.median, s.shortNodeCpuMs.sidecar.median),
    row('two at once (1 process): pair wall median ms', pairs.serverTwoInFlight!.wallMs.median, pairs.oneSidecarTwoQueued!.wallMs.median),
    row('two at once (1 process): answers/min', pairs.serverTwoInFlight!.answersPerMinute, pairs.oneSidecarTwoQueued!.answersPerMinute),
    row('Python VmRSS after the run, MiB', memory.server.rssMiB, memory.sidecar.rssMiB),
    row('Python VmHWM, MiB', memory.server.hwmMiB, memory.sidecar.hwmMiB),
    row('Python Pss, MiB', memory.server.pssMiB, memory.sidecar.pssMiB),
    row('two workers: Python VmRSS total, MiB', twoWorkers.serverShared.rssMiB, twoWorkers.twoSidecars.rssMiB),
    row('two workers: Python Pss total, MiB', twoWorkers.serverShared.pssMiB, twoWorkers.twoSidecars.pssMiB),
  ]));
  say('\n' + table([
    ['two requests at once', 'pair wall p50', 'p90', 'latency p50', 'answers/min'],
    ...Object.values(pairs).map((p) => [p.label, f(p.wallMs.median), f(p.wallMs.p90), f(p.latencyMs.median), p.answersPerMinute.toFixed(1)]),
  ]));
  const l = lifecycle;
  say(`\nNode (this process, both ways): VmRSS ${memory.node.rssMiB} MiB; 1-thread sidecars ${memory.oneThreadSidecars.map((m) => `${m.rssMiB}`).join(' + ')} MiB RSS`);
  say(`Two workers, B/A: RSS ×${ratios.twoWorkersRss}, Pss ×${ratios.twoWorkersPss}`);
  say(`kill -9 of a server client mid 60 s answer: the next tiny answer took ${f(l.serverClientKilledMidLongAnswer.tinyRightAfterKillMs)} ms (idle: ${f(l.serverClientKilledMidLongAnswer.tinyIdleMs)} ms)`);
  say(`kill -9 of a sidecar's parent, idle: the sidecar exited after ${f(l.sidecarParentKilledIdle.sidecarExitedAfterMs)} ms`);
  say(`kill -9 of a sidecar's parent mid 60 s answer: the sidecar exited after ${f(l.sidecarParentKilledMidLongAnswer.sidecarExitedAfterMs)} ms, using ${l.sidecarParentKilledMidLongAnswer.cpuSecondsAfterKill ?? '–'} CPU s for nobody`);
  say(`kill -9 of the server's starter: server alive 5 s later: ${l.serverStarterKilled.serverAliveAfterStarterKilled5s}, still serving: ${l.serverStarterKilled.stillServing}`);
  say(`Transcripts identical across the ways: ${transcripts.identicalAcrossWays} short, long: ${transcripts.longIdentical}`);
}

async function main(): Promise<void> {
  const result = await measure();
  report(result);
  const out = args.out ?? path.join(root, 'bench/results', `speech-recogniser-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`\nResults: ${path.relative(process.cwd(), out)}`);
}

main()
  .then(async () => {
    await cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error('speech-recogniser bench failed:', error);
    await cleanUp();
    process.exit(1);
  });
