// The web console end to end in headless Chromium, against the real API, worker, PostgreSQL,
// Redis and Temporal; only the OpenAI scorer is the local stand-in.
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { accessibilityViolations, desktop, launchBrowser, openConsole, overflowsHorizontally, phone, signInThroughForm, type ConsolePage } from '../helpers/browser.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { hometownAnswer, hometownPrompt, synthesise } from '../helpers/speech.ts';
import { createUser, testPassword } from '../helpers/users.ts';

let fake: FakeOpenAI;
let platform: TestPlatform;
let browser: Browser;
const people = {} as Record<'student' | 'grader' | 'otherGrader' | 'admin', { id: string; email: string }>;
const opened: ConsolePage[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
  platform = await startTestPlatform({
    scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'gpt-test', timeoutSeconds: 2 }),
    env: { GRADING_MAX_RETRIES: '1', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' },
  });
  const names = { student: 'Nguyễn Thu Hà', grader: 'Trần Văn Minh', otherGrader: 'Lê Thị Lan', admin: 'Phạm Quốc Anh' };
  for (const [key, name] of Object.entries(names) as Array<[keyof typeof names, string]>) {
    const user = await createUser(platform, key === 'otherGrader' ? 'grader' : key);
    await platform.prisma.user.update({ where: { id: user.id }, data: { name } });
    people[key] = user;
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await fake?.close();
});

async function open(who: keyof typeof people, viewport = desktop): Promise<ConsolePage> {
  const page = await openConsole(browser, platform.baseUrl, viewport);
  opened.push(page);
  await signInThroughForm(page.page, people[who].email, testPassword);
  return page;
}

/** The console's problems, less HTTP errors the test provoked on purpose (Chromium logs those as errors). */
const unexpected = (c: ConsolePage, ...expectedStatuses: number[]) =>
  c.problems.filter((p) => !expectedStatuses.some((s) => p.includes(`status of ${s}`)));

describe('the web console', () => {
  it('when nobody is signed in, then the sign-in form works from the keyboard and a wrong password is explained', async () => {
    const c = await openConsole(browser, platform.baseUrl);
    opened.push(c);
    const { page } = c;
    await page.goto('/console/');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await c.shot('01-sign-in');
    await page.keyboard.press('Tab'); // the email field is the first control
    await page.keyboard.type(people.student.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Email or password is incorrect');
    await page.getByLabel('Password').fill(testPassword);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your submissions' }).waitFor();
    // The session survives a reload through its HttpOnly cookie; no token is in web storage.
    await page.reload();
    await page.getByRole('heading', { name: 'Your submissions' }).waitFor();
    const stored = (await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })')) as string;
    expect(stored).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
    const cookies = await c.context.cookies();
    expect(cookies.find((k) => k.name === 'vstep_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(unexpected(c, 401)).toEqual([]);
  });

  it('when a student submits an essay, then the word counter guides them and the page follows it live to the result', async () => {
    const c = await open('student');
    const { page } = c;
    await page.getByRole('link', { name: 'Write', exact: true }).click();
    await page.getByLabel(/Task 1/).check();
    await expect(page.locator('#word-count').textContent()).resolves.toContain('0 / 120 words');
    await page.getByLabel('Prompt').fill(holidayPrompt);
    await page.getByLabel('Your answer').fill(holidayLetter.split(/\s+/).slice(0, 40).join(' '));
    await expect(page.locator('#word-count').textContent()).resolves.toMatch(/^40 \/ 120 words · 80 more/);
    await page.getByLabel('Your answer').fill(holidayLetter);
    await expect(page.locator('#word-count').textContent()).resolves.toContain('minimum reached');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await c.shot('02-student-write');

    await page.getByRole('button', { name: 'Submit for grading' }).click();
    await page.waitForURL(/\/console\/submissions\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    await page.getByTestId('result').waitFor();
    await expect(page.locator('.badge').first().textContent()).resolves.toBe('Completed');
    const stored = await platform.prisma.gradingResult.findFirstOrThrow({ where: { submissionId: id, isFinal: true } });
    await expect(page.getByTestId('overall').textContent()).resolves.toBe(Number(stored.overall).toFixed(1));
    // The timeline came from the live feed, in order.
    const timeline = await page.getByTestId('timeline').locator('li').allTextContents();
    expect(timeline.join(' | ')).toMatch(/Waiting.*Grading.*Completed/);
    await expect(page.getByTestId('essay').textContent()).resolves.toContain('Dear Tom');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await c.shot('03-student-result');

    await page.getByRole('link', { name: 'Progress' }).click();
    const writing = page.getByTestId('progress-writing');
    await writing.locator('svg circle').first().waitFor();
    await expect(writing.locator('svg circle').count()).resolves.toBe(1);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await c.shot('04-student-progress');
    expect(unexpected(c)).toEqual([]);
  });

  it('when a student uploads a spoken answer, then it is transcribed and graded, with the recording playable', async () => {
    const c = await open('student');
    const { page } = c;
    await page.getByRole('link', { name: 'Speak', exact: true }).click();
    await page.getByLabel('Prompt').fill(hometownPrompt);
    await page.getByLabel(/Or upload a recording/).setInputFiles({ name: 'answer.wav', mimeType: 'audio/wav', buffer: await readFile(synthesise(hometownAnswer)) });
    await page.locator('audio').waitFor();
    await c.shot('05-student-speak');
    await page.getByRole('button', { name: 'Submit for grading' }).click();
    await page.getByTestId('result').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('transcript').textContent()).resolves.toMatch(/\w+ \w+ \w+/);
    await expect(page.locator('audio[src^="blob:"]').count()).resolves.toBe(1);
    expect(unexpected(c)).toEqual([]);
  });

  it('when a student records with the microphone, then the recording is previewed and stored as WebM', async () => {
    // Chromium's fake capture device stands in for a microphone (a tone; nothing to recognise).
    const c = await open('student');
    const { page } = c;
    await page.getByRole('link', { name: 'Speak', exact: true }).click();
    await page.getByRole('button', { name: 'Record with microphone' }).click();
    await page.getByRole('button', { name: /Stop recording \(2 s\)/ }).click();
    await page.locator('audio[src^="blob:"]').waitFor();
    await page.getByRole('button', { name: 'Submit for grading' }).click();
    await page.waitForURL(/\/console\/submissions\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const stored = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ skill: 'speaking', audioFormat: 'webm' });
    // Two seconds of Opus; a live WebM recording states no duration (the recogniser measures it).
    expect(stored.audioBytes).toBeGreaterThan(2000);
    expect(unexpected(c)).toEqual([]);
  });

  it('when a hybrid submission goes to review, then a grader claims and completes it in the console and the student sees the final result', async () => {
    // A low-confidence AI draft: routed to a teacher.
    fake.script({ kind: 'assessment', confidence: 0.3, scores: { taskFulfilment: 6, organisation: 6.5, vocabulary: 5.5, grammar: 6 } });
    const s = await open('student');
    await s.page.getByRole('link', { name: 'Write', exact: true }).click();
    await s.page.getByLabel(/Task 1/).check();
    await s.page.getByLabel('Prompt').fill(holidayPrompt);
    await s.page.getByLabel('Your answer').fill(holidayLetter);
    await s.page.getByLabel(/teacher checks when needed/).check();
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.waitForURL(/\/console\/submissions\/[0-9a-f-]{36}$/);
    const id = s.page.url().split('/').pop()!;
    await s.page.getByText('A teacher is checking the grade').waitFor();
    await s.shot('06-student-waiting-for-teacher');

    // The grader finds it in the queue, with its priority, reasons and age.
    const g = await open('grader');
    const item = g.page.locator(`[data-testid="review-item"][data-submission="${id}"]`);
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('Low confidence');
    await expect(g.page.getByTestId('count-medium').textContent()).resolves.toBe('1');
    await expect(accessibilityViolations(g.page)).resolves.toEqual([]);
    await g.shot('07-grader-queue');
    await item.getByRole('button', { name: /Claim/ }).click();
    await g.page.waitForURL(`**/console/reviews/${id}`);
    await expect(g.page.getByTestId('lease').textContent()).resolves.toMatch(/Claimed by you · \d+ min left/);

    // Someone else cannot take it, and is told why.
    const other = await open('otherGrader');
    const theirs = other.page.locator(`[data-testid="review-item"][data-submission="${id}"]`);
    await expect(theirs.getByTestId('lease').textContent()).resolves.toContain('Claimed by another grader');
    await theirs.getByRole('button', { name: /Claim/ }).click();
    await expect(other.page.getByRole('alert').textContent()).resolves.toMatch(/Another grader holds this review until/);
    await other.shot('08-grader-conflict');

    // The review screen: the essay, the AI draft with its evidence, a live overall.
    await expect(g.page.getByTestId('essay').textContent()).resolves.toContain('Dear Tom');
    await expect(g.page.getByTestId('ai-draft').textContent()).resolves.toContain('I am writing to tell you');
    await expect(g.page.getByTestId('live-overall').textContent()).resolves.toBe('6.0');
    await g.page.getByLabel('Vocabulary', { exact: true }).fill('7.3');
    await g.page.getByText('Use 0 to 10 in steps of 0.5.').waitFor();
    await expect(g.page.getByRole('button', { name: 'Complete review' }).isDisabled()).resolves.toBe(true);
    for (const [criterion, value] of [['Task fulfilment', '7'], ['Organisation', '7'], ['Vocabulary', '7.5'], ['Grammar', '6.5']]) {
      await g.page.getByLabel(criterion!, { exact: true }).fill(value!);
    }
    await expect(g.page.getByTestId('live-overall').textContent()).resolves.toBe('7.0');
    await expect(g.page.getByTestId('live-level').textContent()).resolves.toBe('B2');
    await g.page.getByLabel('Feedback on Grammar').fill('Check the past tense of irregular verbs.');
    await g.page.getByLabel('Overall feedback').fill('A warm, well organised letter.');
    await expect(accessibilityViolations(g.page)).resolves.toEqual([]);
    await g.shot('09-grader-review');

    await g.page.getByRole('button', { name: 'Complete review' }).click();
    const dialog = g.page.getByRole('dialog', { name: 'Complete this review?' });
    await expect(dialog.textContent()).resolves.toContain('overall 7.0 (B2)');
    await g.shot('10-grader-confirm');
    await dialog.getByRole('button', { name: 'Yes, complete' }).click();
    await g.page.getByText('This review is completed').waitFor();
    // The completed review still shows what was graded, and focus moved to the notice.
    await expect(g.page.getByTestId('essay').textContent()).resolves.toContain('Dear Tom');
    await expect(g.page.evaluate('document.activeElement.textContent')).resolves.toContain('This review is completed');

    // The student's page, still open, follows the feed to the teacher's result.
    await s.page.getByText('Graded by a teacher').waitFor();
    await expect(s.page.getByTestId('overall').textContent()).resolves.toBe('7.0');
    await expect(s.page.getByTestId('level').textContent()).resolves.toBe('B2');
    await expect(s.page.getByTestId('result').textContent()).resolves.toContain('Check the past tense of irregular verbs.');
    await s.shot('11-student-final-result');

    // Completed: the other grader's page says so instead of offering a form.
    await other.page.goto(`/console/reviews/${id}`);
    await other.page.getByText('This review is completed').waitFor();
    await expect(other.page.getByRole('button', { name: 'Complete review' }).count()).resolves.toBe(0);

    expect(unexpected(s)).toEqual([]);
    expect(unexpected(g)).toEqual([]);
    expect(unexpected(other, 409)).toEqual([]);
  });

  it('when the review screen is opened on a phone, then nothing needs sideways scrolling', async () => {
    fake.script({ kind: 'assessment', confidence: 0.3 });
    const s = await open('student');
    await s.page.getByRole('link', { name: 'Write', exact: true }).click();
    await s.page.getByLabel('Your answer').fill(holidayLetter);
    await s.page.getByLabel('Teacher', { exact: true }).check();
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('A teacher is checking the grade').waitFor();
    const id = s.page.url().split('/').pop()!;

    const g = await open('grader', phone);
    await g.page.locator(`[data-testid="review-item"][data-submission="${id}"]`).getByRole('button', { name: /Claim/ }).click();
    await g.page.getByTestId('lease').waitFor();
    expect(await overflowsHorizontally(g.page)).toBe(false);
    await g.shot('12-grader-review-phone');
    await g.page.goto('/console/reviews');
    expect(await overflowsHorizontally(g.page)).toBe(false);
    expect(unexpected(g)).toEqual([]);
  });

  it('when grading fails, then an admin sees the reason, opens the workflow in Temporal and re-drives it to completion', async () => {
    fake.script({ kind: 'status', status: 503 });
    const s = await open('student');
    await s.page.getByRole('link', { name: 'Write', exact: true }).click();
    await s.page.getByLabel('Your answer').fill(holidayLetter);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('Grading could not finish').waitFor({ timeout: 60_000 });
    const id = s.page.url().split('/').pop()!;
    fake.script({ kind: 'assessment' });

    const a = await open('admin');
    const row = a.page.getByRole('row').filter({ hasText: 'scoring failed: provider answered 503' });
    await row.first().waitFor();
    const link = row.first().getByRole('link', { name: /Workflow in Temporal/ });
    await expect(link.getAttribute('href')).resolves.toBe(`http://127.0.0.1:8233/namespaces/${platform.config.temporal.namespace}/workflows/${workflowIdFor(id)}`);
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.shot('13-admin-failed');
    await row.first().getByRole('button', { name: 'Re-drive' }).click();
    await a.page.getByText('Re-driven: 1').waitFor();
    await eventually(async () => ((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).status === 'completed' ? true : undefined), {
      what: 'the re-driven submission to complete',
    });
    await a.page.goto(`/console/submissions/${id}`);
    await a.page.getByTestId('result').waitFor();
    expect(unexpected(s)).toEqual([]);
    expect(unexpected(a)).toEqual([]);
  });
});

