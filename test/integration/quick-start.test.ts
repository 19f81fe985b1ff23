// The README's quick start, for real: `npm start` on embedded defaults, then a submission
// graded through the printed API, then Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedSittingId, seedTasks } from '../../src/tasks/task.seed.ts';
import { holidayLetter } from '../../src/testing/essays.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { wer } from '../../src/evaluation/speech-eval.ts';
import { eventually } from '../helpers/platform.ts';
import { hometownPrompt, speakingForm, synthesise } from '../helpers/speech.ts';
import { readFile } from 'node:fs/promises';

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  try {
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('quick start', () => {
  it('when a user runs npm start, then the printed API grades an essay and a spoken answer, the Web UI answers, and Ctrl-C stops everything', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'vstep-quickstart-'));
    const ports = {
      PORT: await freePort(),
      EMBEDDED_POSTGRES_PORT: await freePort(),
      EMBEDDED_TEMPORAL_PORT: await freePort(),
      EMBEDDED_TEMPORAL_UI_PORT: await freePort(),
      EMBEDDED_REDIS_PORT: await freePort(),
      EMBEDDED_WHISPER_PORT: await freePort(),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, APP_ENV: 'local', LOG_LEVEL: 'warn', EMBEDDED_DATA_DIR: path.join(dataDir, 'data') };
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'REDIS_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete env[key];
    for (const [key, value] of Object.entries(ports)) env[key] = String(value);

    let output = '';
    child = spawn('npm', ['start'], { cwd: path.resolve(import.meta.dirname, '../..'), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));

    await eventually(async () => (output.includes('Press Ctrl-C') ? true : child!.exitCode !== null ? Promise.reject(new Error(output)) : undefined), {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: 'npm start to be ready',
    });
    const api = /API:\s+(http:\/\/\S+)/.exec(output)![1]!;
    expect(api).toBe(`http://127.0.0.1:${ports.PORT}`);
    expect(output).toContain(`Temporal Web UI:  http://127.0.0.1:${ports.EMBEDDED_TEMPORAL_UI_PORT}`);
    expect(output).toMatch(/student\s+student@example\.com/);
    // The printed console address serves the built console page.
    const consolePage = await fetch(/Web console:\s+(http:\/\/\S+)/.exec(output)![1]!);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toMatch(/<script type="module"[^>]+src="\/console\/assets\/index-[\w-]+\.js"/);

    const login = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'student@example.com', password: 'demo-password' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    // The README's flow: the sample sitting is open; the student starts it and answers Task 1.
    const sittings = (await (await fetch(`${api}/sittings?state=open`, { headers })).json()) as { items: Array<{ id: string; tasks: Array<{ id: string; task: string }> }> };
    const mock = sittings.items.find((s) => s.id === seedSittingId)!;
    expect(mock.tasks.map((t) => t.task)).toEqual(['task1', 'task2', 'part1', 'part2', 'part3']);
    const attempt = await fetch(`${api}/attempts`, { method: 'POST', headers, body: JSON.stringify({ sittingId: seedSittingId }) });
    expect(attempt.status).toBe(201);
    const attemptId = ((await attempt.json()) as { id: string }).id;
    const created = await fetch(`${api}/submissions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ taskId: mock.tasks[0]!.id, attemptId, text: holidayLetter }),
    });
    expect(created.status).toBe(202);
    expect(await created.clone().json()).toMatchObject({ taskId: seedTasks[0]!.id, mode: 'auto', prompt: seedTasks[0]!.prompt });
    const { id } = (await created.json()) as { id: string };
    const done = await eventually(
      async () => {
        const s = (await (await fetch(`${api}/submissions/${id}`, { headers })).json()) as { status: string; result: { level: string } };
        return s.status === 'completed' ? s : undefined;
      },
      { what: 'the essay to be graded' },
    );
    expect(done.result.level).toMatch(/B1|B2|C1/);

    // The speaking example of docs/api.md: a synthesised WAV, as multipart (free practice, on
    // locally), recognised offline.
    const wav = synthesise('My hometown is a small city in the north of Vietnam. I like it because the people are friendly.');
    const spoken = await fetch(`${api}/submissions`, {
      method: 'POST',
      headers: { authorization: headers.authorization },
      body: speakingForm({ fields: { skill: 'speaking', task: 'part1', prompt: hometownPrompt }, audio: { bytes: await readFile(wav), filename: 'answer.wav' } }),
    });
    expect(spoken.status).toBe(202);
    const spokenId = ((await spoken.json()) as { id: string }).id;
    const heard = await eventually(
      async () => {
        const s = (await (await fetch(`${api}/submissions/${spokenId}`, { headers })).json()) as {
          status: string;
          transcript: { provider: string; text: string } | null;
          result: { criteria: Record<string, { estimated?: boolean }> };
        };
        return s.status === 'completed' ? s : undefined;
      },
      { what: 'the spoken answer to be graded', timeoutMs: 60_000 },
    );
    // Recognised offline by the Whisper server npm start runs, word for word.
    expect(heard.transcript?.provider).toBe('whisper');
    expect(wer('My hometown is a small city in the north of Vietnam. I like it because the people are friendly.', heard.transcript!.text)).toBeLessThan(0.1);
    expect(output).toContain(`Recogniser:       whisper-tiny.en (offline) at http://127.0.0.1:${ports.EMBEDDED_WHISPER_PORT}/v1`);
    expect(heard.result.criteria.pronunciation?.estimated).toBe(true);
    expect((await fetch(`http://127.0.0.1:${ports.EMBEDDED_TEMPORAL_UI_PORT}/`)).status).toBe(200);

    process.kill(-child.pid!, 'SIGINT'); // what Ctrl-C in a terminal does
    await exited; // npm itself ends by the signal, as in a terminal
    await eventually(async () => (output.includes('Stopped.') ? true : undefined), { what: 'a clean shutdown', timeoutMs: 30_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}; npm start printed:\n${output.slice(-1500)}`);
      },
    );
    expect(output).not.toContain('failed:');
    for (const port of Object.values(ports)) {
      await eventually(async () => ((await listening(port)) ? undefined : true), { what: `port ${port} to be released`, timeoutMs: 15_000 });
    }
    // Bounded by its own waits: npm start may build the console first (a fresh clone), on a box
    // that is running the rest of the suite.
  }, 240_000);
});
