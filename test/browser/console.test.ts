// The web console end to end in headless Chromium, against the real API, worker, PostgreSQL,
// Redis and Temporal; only the OpenAI scorer is the local stand-in.
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { accessibilityViolations, desktop, launchBrowser, openConsole, overflowsHorizontally, phone, signInThroughForm, type ConsolePage } from '../helpers/browser.ts';
import { essayPrompt, holidayLetter, holidayPrompt, onlineLearningEssay } from '../../src/testing/essays.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { hometownAnswer, hometownPrompt, synthesise } from '../helpers/speech.ts';
import { bankTask } from '../helpers/tasks.ts';
import { createUser, login, testPassword } from '../helpers/users.ts';

let fake: FakeOpenAI;
let platform: TestPlatform;
let browser: Browser;
const people = {} as Record<'student' | 'grader' | 'otherGrader' | 'senior' | 'otherSenior' | 'admin', { id: string; email: string }>;
const opened: ConsolePage[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
  platform = await startTestPlatform({
    scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'gpt-test', timeoutSeconds: 2 }),
    env: { GRADING_MAX_RETRIES: '1', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' },
  });
  const names = { student: 'Nguyễn Thu Hà', grader: 'Trần Văn Minh', otherGrader: 'Lê Thị Lan', senior: 'Hoàng Đức Long', otherSenior: 'Vũ Thị Mai', admin: 'Phạm Quốc Anh' };
  for (const [key, name] of Object.entries(names) as Array<[keyof typeof names, string]>) {
    const user = await createUser(platform, key === 'otherGrader' ? 'grader' : key === 'otherSenior' ? 'senior' : key);
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

/** A JSON call to the API as one of `people`, signed in through the API: the status and the body. */
async function apiAs(who: keyof typeof people, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const tokens = (await (await login(platform, people[who].email)).json()) as { accessToken: string };
  const res = await fetch(`${platform.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** The open review of `kind` for a submission, once the workflow has opened it. */
const openReview = (submissionId: string, kind: 'first' | 'second' | 'adjudication' | 'appeal') =>
  eventually(async () => (await platform.prisma.reviewTask.findFirst({ where: { submissionId, kind, status: 'open' } })) ?? undefined, {
    what: `the ${kind} review of ${submissionId}`,
    timeoutMs: 30_000,
  });

/** Fills the score form: one score per criterion label. */
async function fillScores(page: ConsolePage['page'], scores: Record<string, string>) {
  for (const [criterion, value] of Object.entries(scores)) await page.getByLabel(criterion, { exact: true }).fill(value);
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
    // A student starts from their sittings.
    await page.getByRole('heading', { name: 'Your sittings' }).waitFor();
    // The session survives a reload through its HttpOnly cookie; no token is in web storage.
    await page.reload();
    await page.getByRole('heading', { name: 'Your sittings' }).waitFor();
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
    await expect(page.getByTestId('transcript').textContent()).resolves.toMatch(/small city in the north/i);
    await expect(page.getByTestId('recognition').textContent()).resolves.toMatch(/Words likely recognised right: \d+% \(whisper whisper-tiny\.en\)/);
    await expect(page.getByTestId('delivery').textContent()).resolves.toMatch(/Speech rate \d\.\d syllables\/s \(\d\.\d without pauses\) · \d+ pauses of 0\.25 s or more · \d+\.\d syllables per run · 0 filled pauses/);
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
    // Students never choose the marking: they answer a task of the bank marked hybrid.
    const title = 'Thư gửi Tom: kỳ nghỉ vừa qua';
    const graderNotes = 'All three points must be answered: where, with whom, and what they did.';
    await bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode: 'hybrid', title, graderNotes });
    // A low-confidence AI draft: routed to a teacher.
    fake.script({ kind: 'assessment', scores: { taskFulfilment: 6, organisation: 6.5, vocabulary: 5.5, grammar: 6 } });
    const s = await open('student');
    await s.page.getByRole('link', { name: 'Practice tasks', exact: true }).click();
    await s.page.getByRole('link', { name: title }).click();
    await expect(s.page.getByTestId('prompt').textContent()).resolves.toBe(holidayPrompt);
    await expect(s.page.locator('main').textContent()).resolves.toContain('marking: Automatic, teacher checks when needed');
    await expect(s.page.getByRole('radio').count()).resolves.toBe(0);
    await s.page.getByLabel('Your answer').fill(holidayLetter);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.waitForURL(/\/console\/submissions\/[0-9a-f-]{36}$/);
    const id = s.page.url().split('/').pop()!;
    await s.page.getByText('A teacher is checking the grade').waitFor();
    // The student sees what they answered, never the notes for graders.
    await expect(s.page.getByTestId('task-title').textContent()).resolves.toContain(title);
    await expect(s.page.getByTestId('grader-notes').count()).resolves.toBe(0);
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

    // The review screen: the task with its grader notes, the essay, the AI draft with its evidence, a live overall.
    await expect(g.page.getByTestId('task-title').textContent()).resolves.toMatch(new RegExp(`${title}.*version 1`));
    await expect(g.page.getByTestId('grader-notes').textContent()).resolves.toContain(graderNotes);
    await expect(g.page.getByTestId('essay').textContent()).resolves.toContain('Dear Tom');
    await expect(g.page.getByTestId('ai-draft').textContent()).resolves.toContain('I am writing to tell you');
    // Its calibrated confidence: the LLM is far from the offline scorer here, so nothing bounds it.
    await expect(g.page.getByTestId('calibration').textContent()).resolves.toMatch(/Within ±1\.0 of a trained marker: 0% likely \(calibrated\); 90% interval \d+\.\d–\d+\.\d/);
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
    fake.script({ kind: 'assessment' });
    const taskId = await bankTask(platform, { skill: 'writing', task: 'task2', prompt: essayPrompt, mode: 'human', title: 'Essay marked by a teacher' });
    const s = await open('student');
    await s.page.goto(`/console/tasks/${taskId}`);
    await s.page.getByLabel('Your answer').fill(onlineLearningEssay);
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
  it('when an admin authors tasks and sets a sitting, then a student sits it in order, reading each prompt as authored, and the answers name the task and the attempt', async () => {
    const writingTitle = 'Thư mời bạn đến Đà Nẵng';
    const writingPrompt = 'Your friend Lan is visiting Vietnam next month.\n\nWrite an email to Lan:\n- invite her to Đà Nẵng\n- suggest two places to visit\n- say what food she should try\n\nWrite at least 120 words.';
    const speakingTitle = 'Part 1: your hometown';
    const speakingPrompt = 'Let’s talk about your hometown.\nAnswer each question in two or three sentences.';
    const questions = ['Where is your hometown?', 'What do you like most about it?', 'Would you like to live there in the future? Why?'];
    const sittingTitle = 'Thi thử VSTEP – Đợt 1';

    // The admin authors a writing task (a draft, edited, then published)…
    const a = await open('admin');
    await a.page.getByRole('link', { name: 'Task bank' }).click();
    await a.page.getByRole('heading', { name: 'Task bank' }).waitFor();
    await a.page.getByRole('button', { name: 'New task' }).click();
    await a.page.getByRole('radio', { name: /^Task 1/ }).check();
    await a.page.getByLabel('Title').fill('Thư mời (bản nháp)');
    await a.page.getByLabel('Prompt', { exact: true }).fill(writingPrompt);
    await a.page.getByLabel(/Grader notes/).fill('Reward a natural invitation; all three bullet points must be covered.');
    await a.page.getByLabel(/Second marking/).fill('10');
    await a.page.getByRole('radio', { name: /Vietnamese/ }).check();
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.page.getByRole('button', { name: 'Create draft' }).click();
    const draft = a.page.getByTestId('bank-task').filter({ hasText: 'Thư mời (bản nháp)' });
    await expect(draft.textContent()).resolves.toMatch(/Draft.*Version 1/);
    await expect(draft.getByTestId('policy').textContent()).resolves.toBe('Marking: Automatic · second marking 10% · feedback in Vietnamese (Tiếng Việt)');
    await draft.getByRole('button', { name: /^Edit/ }).click();
    await a.page.getByLabel('Title').fill(writingTitle);
    await a.page.getByRole('button', { name: 'Save draft' }).click();
    const writing = a.page.getByTestId('bank-task').filter({ hasText: writingTitle });
    await writing.getByRole('button', { name: /^Publish/ }).click();
    await writing.getByText('Published', { exact: true }).waitFor();
    await expect(writing.textContent()).resolves.toMatch(/Published.*Version 1/);
    // …and a speaking Part 1 with its questions, one per line.
    await a.page.getByRole('button', { name: 'New task' }).click();
    await a.page.getByRole('radio', { name: 'Speaking', exact: true }).check();
    await a.page.getByRole('radio', { name: /^Part 1/ }).check();
    await a.page.getByLabel('Title').fill(speakingTitle);
    await a.page.getByLabel('Prompt', { exact: true }).fill(speakingPrompt);
    await a.page.getByLabel(/Questions \(one per line\)/).fill(`${questions.join('\n')}\n`);
    await a.page.getByRole('button', { name: 'Create draft' }).click();
    const speaking = a.page.getByTestId('bank-task').filter({ hasText: speakingTitle });
    await speaking.getByRole('button', { name: /^Publish/ }).click();
    await speaking.getByText('Published', { exact: true }).waitFor();
    await expect(speaking.textContent()).resolves.toMatch(/Published.*Version 1/);
    await expect(speaking.getByTestId('policy').textContent()).resolves.toBe('Marking: Automatic · second marking 0% · feedback in English');
    // A published task is frozen: a change is a new version, a draft until it is published.
    await speaking.getByRole('button', { name: /^New version/ }).click();
    await a.page.getByRole('heading', { name: /Edit draft: .*version 2/ }).waitFor();
    await a.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(a.page.getByTestId('bank-task').filter({ hasText: speakingTitle }).filter({ hasText: 'Version 2' }).textContent()).resolves.toContain('Draft');
    await a.page.getByLabel('Status').selectOption('published');
    await expect.poll(() => a.page.getByTestId('bank-task').filter({ hasText: 'Draft' }).count()).toBe(0);
    await a.page.getByTestId('bank-task').filter({ hasText: writingTitle }).waitFor();
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.shot('14-admin-task-bank');
    await a.page.setViewportSize(phone);
    expect(await overflowsHorizontally(a.page)).toBe(false);
    await a.page.setViewportSize(desktop);
    const writingTask = await platform.prisma.examTask.findFirstOrThrow({ where: { title: writingTitle, status: 'published' } });
    const speakingTask = await platform.prisma.examTask.findFirstOrThrow({ where: { title: speakingTitle, status: 'published' } });
    expect(writingTask).toMatchObject({ prompt: writingPrompt, mode: 'auto', secondMarkingRate: 0.1, feedbackLanguage: 'vi', questions: [] });
    expect(speakingTask).toMatchObject({ prompt: speakingPrompt, questions });

    // The sitting: both tasks, writing first (picked second, then moved up), open now for 3 hours.
    await a.page.getByRole('link', { name: 'Sittings', exact: true }).click();
    await a.page.getByRole('button', { name: 'New sitting' }).click();
    await a.page.getByLabel('Title').fill(sittingTitle);
    await a.page.getByLabel(speakingTitle).check();
    await a.page.getByLabel(writingTitle).check();
    await a.page.getByRole('button', { name: `move ${writingTitle} earlier` }).click();
    await expect(a.page.getByTestId('form-order').locator('li > span:first-child').allTextContents()).resolves.toEqual([writingTitle, speakingTitle]);
    await a.page.getByLabel(/Time limit in minutes/).fill('90');
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.shot('15-admin-new-sitting');
    await a.page.getByRole('button', { name: 'Create sitting' }).click();
    const row = a.page.getByTestId('admin-sitting').filter({ hasText: sittingTitle });
    await expect(row.textContent()).resolves.toMatch(/Open.*90 min each · one attempt.*Thư mời bạn đến Đà Nẵng.*Part 1: your hometown.*Every student/);
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.page.setViewportSize(phone);
    expect(await overflowsHorizontally(a.page)).toBe(false);
    const sitting = await platform.prisma.sitting.findFirstOrThrow({ where: { title: sittingTitle }, include: { tasks: { orderBy: { position: 'asc' } } } });
    expect(sitting.tasks.map((t) => t.examTaskId)).toEqual([writingTask.id, speakingTask.id]);

    // The student starts from their sittings: this one is open, with a live countdown to its close.
    const s = await open('student');
    await s.page.getByRole('heading', { name: 'Your sittings' }).waitFor();
    const card = s.page.getByTestId('sitting').filter({ hasText: sittingTitle });
    await expect(card.locator('.badge').textContent()).resolves.toBe('Open');
    const countdown = card.getByTestId('countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/^Closes in 2 h 5\d min \d+ s$/);
    await expect.poll(() => countdown.textContent()).not.toBe(before);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('16-student-sittings');
    await card.getByRole('button', { name: /^Start/ }).click();
    await s.page.waitForURL(/\/console\/attempts\/[0-9a-f-]{36}$/);
    const attemptId = s.page.url().split('/').pop()!;
    await expect(s.page.getByTestId('attempt-countdown').textContent()).resolves.toMatch(/^Time left: 1 h (29|30) min \d+ s$/);

    // Task 1 of 2: the writing prompt exactly as authored, line breaks kept.
    const first = s.page.getByRole('region', { name: `Task 1 of 2: ${writingTitle}` });
    await expect(first.getByTestId('prompt').textContent()).resolves.toBe(writingPrompt);
    await expect(first.getByTestId('prompt').evaluate((el: any) => (globalThis as any).getComputedStyle(el).whiteSpace)).resolves.toBe('pre-wrap');
    await first.getByLabel('Your answer').fill(holidayLetter);
    await expect(first.getByTestId('word-count').textContent()).resolves.toContain('minimum reached');
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('17-student-attempt-writing');
    await first.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText(`Your answer to “${writingTitle}” is saved`).waitFor();

    // Then Task 2 of 2: the speaking prompt and its questions, in order.
    const second = s.page.getByRole('region', { name: `Task 2 of 2: ${speakingTitle}` });
    await second.waitFor();
    await expect.poll(() => s.page.getByTestId('step-state').allTextContents()).toEqual(['Answered', 'Not answered']);
    await expect(second.getByTestId('prompt').textContent()).resolves.toBe(speakingPrompt);
    await expect(second.getByTestId('questions').locator('li').allTextContents()).resolves.toEqual(questions);
    await second.getByLabel(/Or upload a recording/).setInputFiles({ name: 'answer.wav', mimeType: 'audio/wav', buffer: await readFile(synthesise(hometownAnswer)) });
    await second.locator('audio').waitFor();
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await second.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('You have answered every task').waitFor();
    await expect(s.page.getByTestId('step-state').allTextContents()).resolves.toEqual(['Answered', 'Answered']);
    await s.page.setViewportSize(phone);
    expect(await overflowsHorizontally(s.page)).toBe(false);
    await s.shot('18-student-attempt-done');

    const stored = await platform.prisma.submission.findMany({ where: { attemptId }, orderBy: { createdAt: 'asc' } });
    expect(stored.map((x) => ({ skill: x.skill, task: x.task, examTaskId: x.examTaskId, attemptId: x.attemptId }))).toEqual([
      { skill: 'writing', task: 'task1', examTaskId: writingTask.id, attemptId },
      { skill: 'speaking', task: 'part1', examTaskId: speakingTask.id, attemptId },
    ]);
    // Back on the sittings page, the countdown runs to the attempt's own due time.
    await s.page.getByRole('link', { name: 'Sittings', exact: true }).click();
    await expect(card.getByTestId('countdown').textContent()).resolves.toMatch(/^Time left: 1 h 2\d min \d+ s$/);
    await expect(card.getByRole('link', { name: /^Continue/ }).count()).resolves.toBe(1);
    await expect(card.getByRole('button', { name: /^Start/ }).count()).resolves.toBe(0);
    expect(unexpected(a)).toEqual([]);
    expect(unexpected(s)).toEqual([]);
  });

  it('when a sitting has not opened yet, then the student cannot start it; and once their time is up, an answer is refused and explained (or, within the grace period, kept as late)', async () => {
    const taskId = await bankTask(platform, { skill: 'writing', task: 'task2', prompt: essayPrompt, mode: 'auto', title: 'Essay: learning online' });
    const now = Date.now();
    const sitting = (title: string, opensAt: number, closesAt: number, durationMinutes: number | null = null) =>
      platform.prisma.sitting.create({
        data: { title, opensAt: new Date(opensAt), closesAt: new Date(closesAt), durationMinutes, createdById: people.admin.id, tasks: { create: [{ examTaskId: taskId, position: 0 }] } },
      });
    await sitting('Kỳ thi tháng sau', now + 86_400_000, now + 2 * 86_400_000);
    await sitting('Bài thi 30 phút', now - 60_000, now + 3_600_000, 30);

    const s = await open('student');
    const upcoming = s.page.getByTestId('sitting').filter({ hasText: 'Kỳ thi tháng sau' });
    await expect(upcoming.locator('.badge').textContent()).resolves.toBe('Upcoming');
    await expect(upcoming.getByTestId('countdown').textContent()).resolves.toMatch(/^Opens in 23 h 59 min \d+ s$/);
    await expect(upcoming.textContent()).resolves.toContain('It cannot be started yet.');
    await expect(upcoming.getByRole('button').count()).resolves.toBe(0);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('19-student-upcoming-sitting');
    await s.page.setViewportSize(phone);
    expect(await overflowsHorizontally(s.page)).toBe(false);
    await s.page.setViewportSize(desktop);

    await s.page.getByTestId('sitting').filter({ hasText: 'Bài thi 30 phút' }).getByRole('button', { name: /^Start/ }).click();
    await s.page.waitForURL(/\/console\/attempts\/[0-9a-f-]{36}$/);
    const attemptId = s.page.url().split('/').pop()!;
    await expect(s.page.getByTestId('attempt-countdown').textContent()).resolves.toMatch(/^Time left: (29|30) min \d+ s$/);
    // Their time ran out long ago (past the grace period): the page says so, and the API refuses the answer.
    await platform.prisma.attempt.update({ where: { id: attemptId }, data: { dueAt: new Date(Date.now() - 10 * 60_000) } });
    await s.page.reload();
    await expect(s.page.getByTestId('attempt-countdown').textContent()).resolves.toMatch(/^Time is up/);
    await s.page.getByLabel('Your answer').fill(onlineLearningEssay);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    const alert = s.page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/Time is up: your answer was not accepted.*Nothing was stored/);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('20-student-time-up');
    await expect(platform.prisma.submission.count({ where: { attemptId } })).resolves.toBe(0);

    // Within the grace period the answer is kept, marked late: staff see that, the student does not.
    await platform.prisma.attempt.update({ where: { id: attemptId }, data: { dueAt: new Date(Date.now() - 3_000) } });
    await s.page.reload();
    await s.page.getByLabel('Your answer').fill(onlineLearningEssay);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('You have answered every task').waitFor();
    const late = await platform.prisma.submission.findFirstOrThrow({ where: { attemptId } });
    expect(late).toMatchObject({ examTaskId: taskId, late: true });
    await s.page.getByRole('link', { name: 'View your answer' }).click();
    await s.page.getByTestId('task-title').waitFor();
    await expect(s.page.getByTestId('late').count()).resolves.toBe(0);
    const a = await open('admin');
    await a.page.goto(`/console/submissions/${late.id}`);
    await expect(a.page.getByTestId('late').textContent()).resolves.toContain('Late');
    await expect(a.page.getByTestId('task-title').textContent()).resolves.toContain('Essay: learning online');
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    expect(unexpected(s, 409)).toEqual([]);
    expect(unexpected(a)).toEqual([]);
  });

  it('when a submission is double-marked and the marks disagree, then the second marker marks blind and a senior adjudicates with both marks side by side', async () => {
    fake.script({ kind: 'assessment' });
    // A task marked by people, every answer by two of them.
    const title = 'Essay: learning online (double-marked)';
    const created = await apiAs('admin', 'POST', '/admin/tasks', {
      skill: 'writing',
      task: 'task2',
      title,
      prompt: essayPrompt,
      policy: { mode: 'human', secondMarkingRate: 1, feedbackLanguage: 'en' },
    });
    expect(created.status).toBe(201);
    expect((await apiAs('admin', 'POST', `/admin/tasks/${created.body.id}/publish`)).status).toBe(200);

    const s = await open('student');
    await s.page.goto(`/console/tasks/${created.body.id}`);
    await s.page.getByLabel('Your answer').fill(onlineLearningEssay);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('A teacher is checking the grade').waitFor();
    const id = s.page.url().split('/').pop()!;
    await openReview(id, 'first');
    await openReview(id, 'second');

    // Grader A: both markings are in the queue, each with its kind; the filter shows one kind.
    const a = await open('grader');
    const firstItem = a.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="first"]`);
    const secondItem = a.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="second"]`);
    await expect(firstItem.getByTestId('kind').textContent()).resolves.toBe('First mark');
    await expect(secondItem.getByTestId('kind').textContent()).resolves.toBe('Second mark');
    await a.page.getByLabel('Marking').selectOption('second');
    await expect.poll(() => a.page.locator(`[data-testid="review-item"][data-submission="${id}"]`).count()).toBe(1);
    await expect(a.page.locator('[data-testid="review-item"]:not([data-kind="second"])').count()).resolves.toBe(0);
    await a.page.getByLabel('Marking').selectOption('');
    await firstItem.getByRole('button', { name: /Claim/ }).click();
    await a.page.waitForURL(`**/console/reviews/${id}`);
    await expect(a.page.locator('h1').textContent()).resolves.toMatch(/^First mark · Writing/);
    await expect(a.page.getByTestId('purpose').textContent()).resolves.toContain('a second marker marks this answer without seeing your scores');
    const firstFeedback = 'Marker A: the examples stay general throughout.';
    await fillScores(a.page, { 'Task fulfilment': '5', Organisation: '5', Vocabulary: '5', Grammar: '5' });
    await a.page.getByLabel('Overall feedback').fill(firstFeedback);
    await a.page.getByRole('button', { name: 'Complete review' }).click();
    const confirmFirst = a.page.getByRole('dialog', { name: 'Complete this review?' });
    await expect(confirmFirst.textContent()).resolves.toContain('not yet what they see');
    await confirmFirst.getByRole('button', { name: 'Yes, complete' }).click();
    await a.page.getByText('your mark is recorded').waitFor();

    // Having marked it, grader A cannot take the second marking too, and is told why.
    await a.page.goto('/console/reviews');
    await secondItem.getByRole('button', { name: /Claim/ }).click();
    await expect(a.page.getByRole('alert').textContent()).resolves.toMatch(/You already marked this submission, or held its first marking; another marker takes this one/);

    // Grader B marks blind: nothing of A's mark is on the screen.
    const b = await open('otherGrader');
    await b.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="second"]`).getByRole('button', { name: /Claim/ }).click();
    await b.page.waitForURL(`**/console/reviews/${id}`);
    await b.page.getByTestId('lease').waitFor();
    await expect(b.page.locator('h1').textContent()).resolves.toMatch(/^Second mark · Writing/);
    await expect(b.page.locator('main').textContent()).resolves.not.toContain(firstFeedback);
    await expect(b.page.getByTestId('marks').count()).resolves.toBe(0);
    await expect(b.page.getByTestId('ai-draft').count()).resolves.toBe(0);
    await expect(b.page.getByLabel('Task fulfilment', { exact: true }).inputValue()).resolves.toBe('');
    await fillScores(b.page, { 'Task fulfilment': '8', Organisation: '8', Vocabulary: '8', Grammar: '5.5' });
    await b.page.getByLabel('Overall feedback').fill('Marker B: a clear, well argued essay.');
    await expect(accessibilityViolations(b.page)).resolves.toEqual([]);
    await b.shot('21-grader-second-mark-blind');
    await b.page.getByRole('button', { name: 'Complete review' }).click();
    await b.page.getByRole('dialog', { name: 'Complete this review?' }).getByRole('button', { name: 'Yes, complete' }).click();
    await b.page.getByText('your mark is recorded').waitFor();

    // 5.0 against 7.5: far apart, so a senior adjudicates. A grader sees the item but cannot take it.
    await openReview(id, 'adjudication');
    await a.page.reload();
    const adjudicationForA = a.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="adjudication"]`);
    await expect(adjudicationForA.textContent()).resolves.toContain('For a senior grader');
    await expect(adjudicationForA.getByRole('button', { name: /Claim/ }).count()).resolves.toBe(0);

    const sen = await open('senior');
    await sen.page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const adjudication = sen.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="adjudication"]`);
    await expect(adjudication.getByTestId('kind').textContent()).resolves.toBe('Adjudication');
    await expect(adjudication.textContent()).resolves.toContain('Marks disagree');
    await expect(accessibilityViolations(sen.page)).resolves.toEqual([]);
    await adjudication.getByRole('button', { name: /Claim/ }).click();
    await sen.page.waitForURL(`**/console/reviews/${id}`);
    await sen.page.getByTestId('lease').waitFor();
    await expect(sen.page.locator('h1').textContent()).resolves.toMatch(/^Adjudication · Writing/);
    // Both marks side by side, the criteria a point or more apart marked in words.
    const marks = sen.page.getByTestId('marks');
    await expect(marks.locator('thead th').allTextContents()).resolves.toEqual(['Criterion', 'First mark', 'Second mark', 'First vs second']);
    await expect(marks.locator('[data-testid="mark-row"][data-differs="true"] th').allTextContents()).resolves.toEqual(['Task fulfilment', 'Organisation', 'Vocabulary']);
    await expect(marks.locator('[data-testid="mark-row"][data-criterion="grammar"]').getAttribute('data-differs')).resolves.toBe('false');
    await expect(marks.locator('[data-testid="mark-row"][data-criterion="taskFulfilment"]').textContent()).resolves.toMatch(/5\.0.*8\.0.*Differs by 3\.0/);
    await expect(marks.textContent()).resolves.toContain(firstFeedback);
    await expect(marks.getByTestId('differing-summary').textContent()).resolves.toContain('3 criteria are 1 point or more apart');
    await fillScores(sen.page, { 'Task fulfilment': '6', Organisation: '6.5', Vocabulary: '6', Grammar: '5.5' });
    await sen.page.getByLabel('Overall feedback').fill('Adjudicated: sound ideas, limited range of examples.');
    await expect(sen.page.getByTestId('live-overall').textContent()).resolves.toBe('6.0');
    await expect(accessibilityViolations(sen.page)).resolves.toEqual([]);
    await sen.shot('22-senior-adjudication');
    await sen.page.setViewportSize(phone);
    expect(await overflowsHorizontally(sen.page)).toBe(false);
    await sen.page.setViewportSize(desktop);
    await sen.page.getByRole('button', { name: 'Complete review' }).click();
    const decide = sen.page.getByRole('dialog', { name: 'Complete this adjudication?' });
    await expect(decide.textContent()).resolves.toContain('overall 6.0 (B2), deciding between the two marks');
    await decide.getByRole('button', { name: 'Yes, complete' }).click();
    await sen.page.getByText('This review is completed. The student sees the final result.').waitFor();

    // The student's page, open all along, shows the adjudicated result.
    await s.page.getByTestId('marking').waitFor({ timeout: 30_000 });
    await expect(s.page.getByTestId('marking').locator('li').allTextContents()).resolves.toEqual(['Second-marked', 'Adjudicated']);
    await expect(s.page.getByTestId('overall').textContent()).resolves.toBe('6.0');
    await expect(s.page.getByTestId('result').textContent()).resolves.toContain('decided by a senior grader');
    await expect(s.page.getByTestId('marks').count()).resolves.toBe(0);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('23-student-adjudicated');

    // Rater agreement, as the senior reads it: both markers, and the senior's adjudication.
    await sen.page.getByRole('link', { name: 'Agreement' }).click();
    await sen.page.getByRole('heading', { name: 'Rater agreement' }).waitFor();
    const row = (name: string) => sen.page.getByTestId('grader-row').filter({ hasText: name });
    await row('Lê Thị Lan').waitFor();
    await expect(row('Hoàng Đức Long').locator('td').nth(1).textContent()).resolves.toBe('1'); // adjudications
    await expect(sen.page.getByTestId('human-human').textContent()).resolves.toMatch(/Double-marked\s*[1-9]/);
    const today = new Date().toISOString().slice(0, 10);
    await sen.page.getByLabel('From', { exact: true }).fill(today);
    await sen.page.getByLabel('To', { exact: true }).fill(today);
    await sen.page.getByLabel('Skill').selectOption('writing');
    await row('Trần Văn Minh').waitFor();
    await expect(accessibilityViolations(sen.page)).resolves.toEqual([]);
    await sen.shot('24-senior-agreement');
    await sen.page.getByLabel('Skill').selectOption('speaking');
    await sen.page.getByText('No marks in this period.').waitFor();

    expect(unexpected(s)).toEqual([]);
    expect(unexpected(a, 409)).toEqual([]);
    expect(unexpected(b)).toEqual([]);
    expect(unexpected(sen)).toEqual([]);
  });

  it('when a student appeals a result, then a senior who did not mark it decides with changed scores and the student sees the result changed on appeal', async () => {
    fake.script({ kind: 'assessment' });
    const taskId = await bankTask(platform, { skill: 'writing', task: 'task2', prompt: essayPrompt, mode: 'human', title: 'Essay: appeal me' });
    const s = await open('student');
    await s.page.goto(`/console/tasks/${taskId}`);
    await s.page.getByLabel('Your answer').fill(onlineLearningEssay);
    await s.page.getByRole('button', { name: 'Submit for grading' }).click();
    await s.page.getByText('A teacher is checking the grade').waitFor();
    const id = s.page.url().split('/').pop()!;

    // The senior marks it (through the API): the result the student sees.
    const first = await openReview(id, 'first');
    expect((await apiAs('senior', 'POST', `/reviews/${first.id}/claim`)).status).toBe(200);
    const marked = await apiAs('senior', 'POST', `/reviews/${first.id}/complete`, {
      criteria: { taskFulfilment: { score: 6 }, organisation: { score: 6 }, vocabulary: { score: 5.5 }, grammar: { score: 6 } },
      feedback: 'Clear, but the vocabulary is repetitive.',
    });
    expect(marked.status).toBe(200);
    await s.page.getByTestId('result').waitFor({ timeout: 30_000 });
    await expect(s.page.getByTestId('overall').textContent()).resolves.toBe('6.0');
    await expect(s.page.getByTestId('marking').count()).resolves.toBe(0);

    // The student appeals, within the window shown.
    await expect(s.page.getByTestId('appeal-deadline').textContent()).resolves.toMatch(/You can appeal this result once, until \d/);
    await s.page.getByRole('button', { name: 'Appeal this result' }).click();
    const reason = 'I used a wide range of vocabulary; I think Vocabulary and Grammar deserve more.';
    await s.page.getByLabel('Why do you think the result is wrong?').fill(reason);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.page.getByRole('button', { name: 'Send the appeal' }).click();
    await expect(s.page.getByTestId('appeal-status').textContent()).resolves.toBe('Open');
    await expect(s.page.getByTestId('appeal').getByTestId('appeal-reason').textContent()).resolves.toBe(reason);
    await expect(s.page.getByRole('button', { name: 'Appeal this result' }).count()).resolves.toBe(0);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('25-student-appeal-open');

    // The senior who marked it cannot decide the appeal, and is told why.
    await openReview(id, 'appeal');
    const marker = await open('senior');
    const theirs = marker.page.locator(`[data-testid="review-item"][data-submission="${id}"][data-kind="appeal"]`);
    await expect(theirs.getByTestId('kind').textContent()).resolves.toBe('Appeal');
    await theirs.getByRole('button', { name: /Claim/ }).click();
    await expect(marker.page.getByRole('alert').textContent()).resolves.toMatch(/You already marked this submission/);

    // Another senior decides it: the reason, the mark, the current result; the form starts from the current scores.
    const sen = await open('otherSenior');
    await sen.page.getByLabel('Marking').selectOption('appeal');
    await sen.page.locator(`[data-testid="review-item"][data-submission="${id}"]`).getByRole('button', { name: /Claim/ }).click();
    await sen.page.waitForURL(`**/console/reviews/${id}`);
    await sen.page.getByTestId('lease').waitFor();
    await expect(sen.page.locator('h1').textContent()).resolves.toMatch(/^Appeal · Writing/);
    await expect(sen.page.getByTestId('appeal-reason').textContent()).resolves.toBe(reason);
    await expect(sen.page.getByRole('heading', { name: 'Current result' }).count()).resolves.toBe(1);
    await expect(sen.page.getByTestId('marks').locator('thead th').allTextContents()).resolves.toEqual(['Criterion', 'First mark', 'Current result']);
    await expect(sen.page.getByLabel('Vocabulary', { exact: true }).inputValue()).resolves.toBe('5.5');
    await expect(sen.page.getByTestId('verdict').textContent()).resolves.toContain('completing upholds it');
    await fillScores(sen.page, { Vocabulary: '7', Grammar: '7' });
    await expect(sen.page.getByTestId('verdict').textContent()).resolves.toContain('completing changes the result (overall 6.0 → 6.5)');
    const response = 'Agreed: the range of vocabulary is wider than the first mark allowed.';
    await sen.page.getByLabel('Your answer to the student').fill(response);
    await expect(accessibilityViolations(sen.page)).resolves.toEqual([]);
    await sen.shot('26-senior-appeal');
    await sen.page.getByRole('button', { name: 'Complete review' }).click();
    const confirm = sen.page.getByRole('dialog', { name: 'Decide this appeal?' });
    await expect(confirm.textContent()).resolves.toContain('This changes the result from 6.0 to overall 6.5 (B2)');
    await confirm.getByRole('button', { name: 'Yes, complete' }).click();
    await sen.page.getByText('This appeal is decided').waitFor();

    // The student's page, still open, follows the appeal to its decision.
    await expect.poll(() => s.page.getByTestId('appeal-status').textContent(), { timeout: 30_000 }).toBe('Changed');
    await expect(s.page.getByTestId('marking').locator('li').allTextContents()).resolves.toEqual(['Changed on appeal']);
    await expect.poll(() => s.page.getByTestId('overall').textContent()).toBe('6.5');
    await expect(s.page.getByTestId('result').textContent()).resolves.toMatch(/Changed on appeal · version 2/);
    await expect(s.page.getByTestId('appeal-response').textContent()).resolves.toBe(response);
    await expect(accessibilityViolations(s.page)).resolves.toEqual([]);
    await s.shot('27-student-changed-on-appeal');
    await s.page.setViewportSize(phone);
    expect(await overflowsHorizontally(s.page)).toBe(false);

    // An admin sees the versions and the marks, and overrides the result with a reason.
    const adm = await open('admin');
    await adm.page.goto(`/console/submissions/${id}`);
    const history = adm.page.getByTestId('result-history');
    await history.waitFor();
    await expect(history.locator('tbody tr').count()).resolves.toBe(2);
    await expect(history.locator('tbody tr').nth(1).textContent()).resolves.toContain(`Changed on appeal: ${reason}`);
    await expect(adm.page.getByTestId('marks').locator('thead th').allTextContents()).resolves.toEqual(['Criterion', 'First mark', 'Appeal']);
    await adm.page.getByRole('button', { name: 'Override result' }).click();
    await fillScores(adm.page, { Organisation: '7' });
    await adm.page.getByLabel('Reason for the override').fill('Moderation sample: organisation under-marked.');
    await expect(accessibilityViolations(adm.page)).resolves.toEqual([]);
    await adm.page.getByRole('button', { name: 'Override result' }).click();
    await adm.page.getByRole('dialog', { name: 'Override this result?' }).getByRole('button', { name: 'Yes, override' }).click();
    await adm.page.getByText('The result is now version 3').waitFor();
    await expect.poll(() => history.locator('tbody tr').count()).toBe(3);
    await expect(history.locator('tbody tr').nth(2).textContent()).resolves.toContain('Changed by staff');
    await expect(adm.page.getByTestId('marking').locator('li').allTextContents()).resolves.toEqual(['Changed on appeal', 'Overridden']);
    await expect(accessibilityViolations(adm.page)).resolves.toEqual([]);
    await adm.shot('28-admin-result-history');

    expect(unexpected(s)).toEqual([]);
    expect(unexpected(marker, 409)).toEqual([]);
    expect(unexpected(sen)).toEqual([]);
    expect(unexpected(adm)).toEqual([]);
  });

  it('when an admin changes roles, then the change is in the audit trail, and their own role cannot be changed', async () => {
    const spare = await createUser(platform, 'student');
    await platform.prisma.user.update({ where: { id: spare.id }, data: { name: 'Đỗ Quang Huy' } });
    const a = await open('admin');
    await a.page.getByRole('link', { name: 'Users' }).click();
    await a.page.getByRole('heading', { name: 'Users' }).waitFor();
    const row = a.page.locator(`[data-testid="account"][data-email="${spare.email}"]`);
    await row.getByLabel('Role of Đỗ Quang Huy').selectOption('senior');
    await row.getByRole('button', { name: /Change role/ }).click();
    await expect(row.getByRole('status').textContent()).resolves.toContain('Now senior grader');
    await expect(platform.prisma.user.findUniqueOrThrow({ where: { id: spare.id } })).resolves.toMatchObject({ role: 'senior' });

    // Admins only; the admin's own role is refused with the reason, and the select goes back.
    await a.page.locator('.filters').getByLabel('Role').selectOption('admin');
    await expect.poll(() => a.page.locator(`[data-testid="account"][data-email="${spare.email}"]`).count()).toBe(0);
    const mine = a.page.locator(`[data-testid="account"][data-email="${people.admin.email}"]`);
    await mine.getByLabel(/^Role of/).selectOption('grader');
    await mine.getByRole('button', { name: /Change role/ }).click();
    await expect(mine.getByRole('alert').textContent()).resolves.toContain('You cannot change your own role');
    await expect(mine.getByLabel(/^Role of/).inputValue()).resolves.toBe('admin');
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.shot('29-admin-users');

    await a.page.getByRole('link', { name: 'Audit' }).click();
    await a.page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await a.page.getByLabel('Action').selectOption('user.role_changed');
    const record = a.page.getByTestId('audit-record').filter({ hasText: spare.id });
    await expect(record.textContent()).resolves.toContain('Role changed');
    await expect(record.locator('code.json').allTextContents()).resolves.toEqual(['{"role":"student"}', '{"role":"senior"}']);
    await expect(a.page.locator('[data-testid="audit-record"]:not([data-action="user.role_changed"])').count()).resolves.toBe(0);
    await expect(accessibilityViolations(a.page)).resolves.toEqual([]);
    await a.shot('30-admin-audit');
    await a.page.setViewportSize(phone);
    expect(await overflowsHorizontally(a.page)).toBe(false);
    await a.page.setViewportSize(desktop);
    // One submission's records: the filter narrows the trail to it.
    const some = await platform.prisma.submission.findFirstOrThrow({ where: { marks: { some: {} } } });
    await a.page.getByLabel('Action').selectOption('');
    await a.page.getByLabel('Submission id').fill(some.id);
    await a.page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => [...new Set(await a.page.getByTestId('audit-record').locator('td:nth-child(4)').allTextContents())]).toEqual([some.id]);
    expect(unexpected(a, 409)).toEqual([]);
  });
});

