// `npm run eval` as a user runs it: the real CLI in a child process, on a CSV written here, with
// the offline scorer and with the LLM scorer against a local OpenAI-compatible server.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayLetter } from '../../src/testing/essays.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let csv: string;
let fake: FakeOpenAI;

function runEval(args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['scripts/eval.ts', ...args], {
    cwd: root,
    // Only the endpoint the test names: none from the developer's own environment.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENAI_'))), APP_ENV: 'test', ...env },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vstep-eval-cli-'));
  csv = path.join(dir, 'rated.csv');
  const short = 'i like it. it good.';
  const rows = [
    ['e1', holidayLetter, '4.0', '3.5'],
    ['e2', short, '1.5', '1.0'],
    ['e3', `${holidayLetter}\n\n${holidayLetter}`, '4.5', '4.0'],
    ['e4', short.repeat(3), '2.0', '2.0'],
  ];
  await writeFile(csv, ['essay_id,body,holistic,cohesion', ...rows.map((r) => [r[0], JSON.stringify(r[1]).replaceAll('\\n', '\n').replaceAll('\\"', '""'), r[2], r[3]].join(','))].join('\n'));
  fake = await startFakeOpenAI([{ kind: 'assessment', scores: { taskFulfilment: 7, organisation: 7, vocabulary: 6.5, grammar: 6.5 } }]);
});
afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run eval', () => {
  it('when run with the offline scorer and a column mapping, then it prints the table and writes the JSON report', async () => {
    const out = path.join(dir, 'offline.json');
    const run = await runEval(['--data', csv, '--text-column', 'body', '--id-column', 'essay_id', '--map', 'holistic=overall,cohesion=organisation', '--task', 'task1', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/holistic → overall\s+4\s/);
    expect(run.stdout).toMatch(/cohesion → organisation\s+4\s/);
    expect(run.stdout).toContain('Tokens: none');
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report).toMatchObject({ essays: 4, scored: 4, task: 'task1', scorer: { provider: 'offline-baseline' }, mapping: { holistic: 'overall', cohesion: 'organisation' } });
    expect(report.criteria[0].confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(4);
    // The longer, well-formed essays are ranked above the fragments, as the humans ranked them.
    expect(report.criteria[0].pearson).toBeGreaterThan(0.5);
  });

  it('when run with the LLM scorer, then tokens per essay, the routing table and the per-essay predictions are reported, the LLM bounded by the offline scorer', async () => {
    const out = path.join(dir, 'llm.json');
    const before = fake.requests.length;
    const run = await runEval(['--data', csv, '--text-column', 'body', '--id-column', 'essay_id', '--map', 'holistic=overall', '--scorer', 'llm', '--limit', '3', '--out', out], {
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'gpt-test',
    });
    expect(run.code).toBe(0);
    expect(fake.requests.length - before).toBe(3);
    expect(run.stdout).toContain('Scorer openai (gpt-test)');
    expect(run.stdout).toContain('Tokens: 2436 prompt + 768 completion; 1068 per essay.');
    const report = JSON.parse(await readFile(out, 'utf8'));
    // The fake LLM gives every essay 7 (data 3.5); the offline scorer puts the fragment far lower,
    // so nothing bounds the LLM's error there: its probability is 0 and it goes to review.
    expect(report.routing.reasons.low_confidence).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toContain('all essays (no routing)');
    expect(report.predictions).toHaveLength(3);
    expect(report.predictions[0]).toMatchObject({ predicted: { holistic: 3.5 }, needsReview: true });
    expect(report.predictions.some((p: { probabilityWithin1: number }) => p.probabilityWithin1 === 0)).toBe(true);
  });

  it('when arguments are wrong, then it exits 2 with the reason and the usage', async () => {
    const missing = await runEval([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--data is required');
    expect(missing.stderr).toContain('Usage: npm run eval');
    const badMap = await runEval(['--data', csv, '--map', 'holistic=fluency']);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toContain('"fluency" is not one of');
    const badColumn = await runEval(['--data', csv]);
    expect(badColumn.code).toBe(2);
    expect(badColumn.stderr).toContain('has no column "text"');
    const llmWithoutEndpoint = await runEval(['--data', csv, '--scorer', 'llm']);
    expect(llmWithoutEndpoint.code).toBe(2);
    expect(llmWithoutEndpoint.stderr).toContain('OPENAI_API_KEY or OPENAI_BASE_URL');
  });
});
