// A short schemathesis run against the served OpenAPI document: every documented operation is
// called with generated valid and invalid input, as a role allowed to call it, and every answer
// must be one the document describes (status, content type, body schema, headers). Seeded ids
// (submissions, reviews, an attempt) are offered for path and body parameters about half the
// time, so the role-specific paths get past "404 no such id" to their real logic.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles.ts';
import { findExecutable } from '../../src/embedded/temporal.ts';
import { operations } from '../../src/http/operations.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { hometownPrompt, postSpeaking, silentWav, speakingForm } from '../helpers/speech.ts';
import { bankTask, writingBody } from '../helpers/tasks.ts';
import { callApi, createUser, signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let users: Record<Role, TestUser>;
let dictionaries: Record<string, string[]>;
let scratch: string;
/** The API's error log lines: a 5xx that schemathesis reports is explained by them. */
const serverErrors: string[] = [];

async function seed(): Promise<Record<string, string[]>> {
  const { student } = users;
  const api = (method: string, route: string, body?: unknown) => callApi(platform.baseUrl, student, method, route, body);
  const writing = async (body: Record<string, unknown> = {}) => {
    const res = await api('POST', '/submissions', await writingBody(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter, ...body }));
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const speaking = async () => {
    const form = speakingForm({ fields: { skill: 'speaking', task: 'part1', prompt: hometownPrompt }, audio: { bytes: silentWav(2), filename: 'answer.wav' } });
    const res = await postSpeaking(platform, student, form);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const attempt = await api('POST', '/attempts', { title: 'Fuzzing' });
  expect(attempt.status).toBe(201);
  // The bank: published tasks (one per part) in an open sitting, and a draft.
  const tasks = await Promise.all(
    (['task1', 'task2', 'part1'] as const).map((task) => bankTask(platform, { skill: task === 'part1' ? 'speaking' : 'writing', task, prompt: task === 'part1' ? hometownPrompt : holidayPrompt, mode: 'auto' })),
  );
  const draft = await bankTask(platform, { skill: 'writing', task: 'task2', prompt: holidayPrompt, mode: 'hybrid', status: 'draft' });
  const sitting = await platform.prisma.sitting.create({
    data: { title: 'Fuzzing sitting', opensAt: new Date(Date.now() - 60_000), closesAt: new Date(Date.now() + 3_600_000), allowRetakes: true, tasks: { create: tasks.map((examTaskId, position) => ({ examTaskId, position })) } },
  });
  const graded = [await writing(), await speaking()];
  // Without English words the baseline scorer cannot score: the grading fails (admin re-drive).
  const failed = [await writing({ text: '1234 5678 9012' }), await writing({ task: 'task2', text: '42 42 42' })];
  const inReview = await Promise.all([1, 2, 3].map(() => writing({ mode: 'human' })));
  const disposable = await Promise.all([1, 2, 3].map(() => writing()));
  const rows = await eventually(
    async () => {
      const found = await platform.prisma.submission.findMany({ where: { id: { in: [...graded, ...failed, ...inReview] } }, select: { id: true, status: true } });
      return found.every((r) => ['completed', 'failed', 'review_pending'].includes(r.status)) ? found : undefined;
    },
    { timeoutMs: 60_000, what: 'the seeded submissions to be graded' },
  );
  expect(rows.filter((r) => failed.includes(r.id)).map((r) => r.status)).toEqual(['failed', 'failed']);
  // Accounts whose name and role the admin's run may change (never the runs' own accounts).
  const accounts = await Promise.all([1, 2].map(() => createUser(platform, 'student')));
  const reviews = await platform.prisma.reviewTask.findMany({ where: { submissionId: { in: inReview } }, select: { id: true } });
  expect(reviews).toHaveLength(inReview.length);
  return {
    // Settled ones: a long-poll or an event stream on them answers at once.
    settled: rows.filter((r) => r.status === 'completed' || r.status === 'failed').map((r) => r.id),
    failed,
    disposable,
    reviews: reviews.map((r) => r.id),
    attempts: [attempt.body.id as string],
    students: [student.id],
    tasks: [...tasks, draft],
    sittings: [sitting.id],
    accounts: accounts.map((a) => a.id),
  };
}

beforeAll(async () => {
  platform = await startTestPlatform({ logger: pino({ level: 'error' }, { write: (line: string) => void serverErrors.push(line) }) });
  const [student, grader, senior, admin] = await Promise.all((['student', 'grader', 'senior', 'admin'] as const).map((role) => signedIn(platform, role)));
  users = { student: student!, grader: grader!, senior: senior!, admin: admin! };
  dictionaries = await seed();
  scratch = await mkdtemp(path.join(tmpdir(), 'vstep-fuzz-'));
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** TOML values: JSON strings and numbers are valid TOML; arrays and inline tables spelled out. */
const toml = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(toml).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${toml(v)}`).join(', ')} }`;
  return JSON.stringify(value);
};

const label = (op: (typeof operations)[number]) => `${op.method.toUpperCase()} ${op.path.replace(/:(\w+)/g, '{$1}')}`;
const offered = (dictionary: string) => ({ dictionary, probability: 0.5 });

/** Per operation: the seeded values offered for its parameters, and anything else it needs. */
function operationSettings(name: string): Record<string, unknown> {
  switch (name) {
    case 'GET /submissions/{id}':
    case 'GET /submissions/{id}/audio':
    case 'POST /submissions/{id}/override':
    case 'POST /submissions/{id}/appeals':
      return { parameters: { 'path.id': offered('settled') } };
    // Streams and long-polls on settled submissions end at once; a short wait bounds the rest.
    case 'GET /submissions/{id}/events':
      return { parameters: { 'path.id': offered('settled') }, 'request-timeout': 2, 'max-stream-events': 2 };
    case 'GET /submissions/{id}/wait':
      return { parameters: { 'path.id': offered('settled'), 'query.timeout': 1 } };
    case 'DELETE /submissions/{id}':
      return { parameters: { 'path.id': offered('disposable') } };
    case 'POST /admin/submissions/{id}/retry':
      return { parameters: { 'path.id': offered('failed') } };
    case 'POST /reviews/{id}/claim':
    case 'POST /reviews/{id}/release':
      return { parameters: { 'path.id': offered('reviews') } };
    // Completing waits for the workflow to take the decision and store it: behind the gradings
    // the other roles' runs start (recordings to transcribe among them) on two cores, that can
    // take longer than the default 10 s.
    case 'POST /reviews/{id}/complete':
      return { parameters: { 'path.id': offered('reviews') }, 'request-timeout': 30 };
    case 'GET /attempts/{id}':
      return { parameters: { 'path.id': offered('attempts') } };
    case 'POST /submissions':
      return { parameters: { 'body.attemptId': offered('attempts'), 'body.taskId': offered('tasks') } };
    case 'GET /tasks/{id}':
    case 'PATCH /admin/tasks/{id}':
    case 'POST /admin/tasks/{id}/versions':
    case 'POST /admin/tasks/{id}/publish':
    case 'POST /admin/tasks/{id}/archive':
      return { parameters: { 'path.id': offered('tasks') } };
    case 'PATCH /admin/users/{id}':
      return { parameters: { 'path.id': offered('accounts') } };
    case 'GET /sittings/{id}':
      return { parameters: { 'path.id': offered('sittings') } };
    case 'POST /attempts':
      return { parameters: { 'body.sittingId': offered('sittings') } };
    case 'GET /attempts':
    case 'GET /progress':
      return { parameters: { 'query.studentId': offered('students') } };
    default:
      return {};
  }
}

/** The operations `role` runs: those it may call; anonymous ones go with the student's run. */
function configFor(role: Role): { toml: string; names: string[] } {
  const ops = operations.filter((op) => (op.roles ? op.roles.includes(role) : role === 'student'));
  // Every token is given here: no account of schemathesis' own (it would sign one up by itself).
  const lines = ['[auth]', 'auto-signup = false', ''];
  // An invalid request refused for its size (413, over JSON_BODY_LIMIT: a list far past its
  // maxItems, say) is refused as it should be: schemathesis' own list of refusals lacks 413.
  lines.push('[checks.negative_data_rejection]', `expected-statuses = ${toml(['400', '401', '403', '404', '405', '406', '409', '413', '415', '422', '428', '429'])}`, '');
  for (const [name, values] of Object.entries(dictionaries)) lines.push(`[dictionaries.${name}]`, `values = ${toml(values)}`, '');
  for (const op of ops) {
    const settings: Record<string, unknown> = { ...operationSettings(label(op)) };
    if (op.roles) settings.headers = { Authorization: `Bearer ${users[role].accessToken}` };
    // Graders and admins must say whose attempts or progress they read (the parameter says so;
    // a schema cannot make it required for some callers only).
    if (role !== 'student' && ['/attempts', '/progress'].includes(op.path)) settings.parameters = { 'query.studentId': users.student.id };
    if (Object.keys(settings).length === 0) continue;
    lines.push('[[operations]]', `include-name = ${toml(label(op))}`, ...Object.entries(settings).map(([k, v]) => `${k} = ${toml(v)}`), '');
  }
  return { toml: lines.join('\n'), names: ops.map(label) };
}

function runSchemathesis(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const st = findExecutable('st');
  if (!st) throw new Error('schemathesis (st) is not installed: run `bash scripts/setup.sh`');
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: path.join(import.meta.dirname, '../helpers/schemathesis-hooks.py') };
    const child = spawn(st, args, { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: code === null ? `${output}\n(killed after ${timeoutMs} ms)` : output });
    });
  });
}

async function fuzz(role: Role) {
  const { toml: config, names } = configFor(role);
  const file = path.join(scratch, `${role}.toml`);
  await writeFile(file, config);
  return runSchemathesis(
    [
      '--config-file', file,
      'run', `${platform.baseUrl}/openapi.json`,
      '--url', platform.baseUrl,
      ...names.flatMap((name) => ['--include-name', name]),
      '--checks', 'all',
      '--phases', 'examples,coverage,fuzzing',
      '--max-examples', '15',
      '--request-timeout', '10',
      '--generation-database', 'none',
      // One thread per run, the three roles side by side: with several threads, Hypothesis'
      // calls to Python's ast.parse can fail ("AST constructor recursion depth mismatch", seen
      // with Python 3.11.7; CPython gh-106905).
      '--workers', '1',
      '--no-color',
    ],
    // The admin run covers the most operations (about 130 s on two quiet cores): room for a busier box.
    270_000,
  );
}

describe('schemathesis', () => {
  it('when generated requests are sent as each role, then every answer matches the document', async () => {
    const roles: Role[] = ['student', 'grader', 'admin'];
    const runs = await Promise.all(roles.map(fuzz));
    const totals = runs.map((run, i) => `${roles[i]}: ${/^\s*(\d+ generated.*)$/m.exec(run.output)?.[1] ?? 'no summary'}`);
    process.stdout.write(`schemathesis: ${totals.join('; ')}\n`);
    if (runs.some((run) => run.code !== 0)) {
      process.stdout.write(runs.map((run, i) => `==== schemathesis as ${roles[i]} (exit ${run.code}) ====\n${run.output}`).join('\n'));
      process.stdout.write(`==== API error log (${serverErrors.length} lines) ====\n${serverErrors.slice(0, 20).join('')}`);
    }
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
  }, 300_000);
});
