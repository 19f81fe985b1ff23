// The evaluation harness on a small synthetic CSV written here: the CSV reading (quoted commas,
// quotes and line breaks), the calibration back to the data's scale, the metrics it reports,
// routing counts, retries and the failures it records.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writingCriteria } from '../../src/domain/scores.ts';
import { defaultCalibration, defaultGrid, parseCalibration, parseMapping, readLabelledEssays, type LabelledEssay } from '../../src/evaluation/dataset.ts';
import { calibrationFromReport, evaluate, type EvaluationOptions } from '../../src/evaluation/harness.ts';
import { formatReport } from '../../src/evaluation/report.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../../src/providers/errors.ts';
import { UnscorableResponseError, type Scorer, type ScoringOutcome, type WritingResponse } from '../../src/scoring/scorer.ts';

let dir: string;
let csv: string;
const mapping = { overall: 'overall', grammar: 'grammar' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vstep-eval-'));
  csv = path.join(dir, 'essays.csv');
  // "score:<vstep>" in the text tells the test scorer what to answer.
  await writeFile(
    csv,
    [
      'id,text,overall,grammar,extra',
      'A,"score:4 First line, with a comma.\n\nSecond ""quoted"" paragraph.",2.0,2.0,x',
      'B,score:6 plain,3.0,3.5,y',
      'C,score:8 plain,4.0,4.0,z',
      'D,score:7 plain,4.5,3.5,w',
      'E,score:none,3.0,3.0,v',
    ].join('\r\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function outcomeFor(text: string): ScoringOutcome {
  const match = /score:(\d+)/.exec(text);
  if (!match) throw new UnscorableResponseError('no score in the text');
  const score = Number(match[1]);
  // Score 4 comes uncalibrated (an LLM with no calibration of its own); the others calibrated.
  const uncertainty = score === 4 ? undefined : { within: [0.5, 0.9, 0.97, 1, 1], interval: { low: score - 1, high: score + 1, level: 0.9 }, calibration: 'test', bin: 0 };
  return {
    criteria: Object.fromEntries(writingCriteria.map((c) => [c, { score, evidence: [], feedback: '' }])),
    feedback: '',
    confidence: uncertainty ? 0.97 : 0,
    ...(uncertainty ? { uncertainty } : {}),
    signals: { wordCount: 300, wordMinimum: 250, flags: [] },
    provider: 'test',
    model: 'test-model',
    version: 'test-1',
    usage: { promptTokens: 100, completionTokens: 20 },
  };
}

const scorer = (scoreWriting: Scorer['scoreWriting']): Scorer => ({ provider: 'test', scoreWriting, scoreSpeaking: () => Promise.reject(new Error('no speaking')) });
const fixedScorer = scorer(async (r: WritingResponse) => outcomeFor(r.text));

function options(over: Partial<EvaluationOptions> = {}): EvaluationOptions {
  return {
    task: 'task2',
    prompt: '',
    mapping,
    calibration: defaultCalibration,
    grid: defaultGrid,
    routing: { autoAcceptProbability: 0.95, disagreementMargin: 1, boundaryMargin: 0.5, minTranscriptionConfidence: 0.5 },
    concurrency: 2,
    retries: 2,
    sleep: async () => {},
    ...over,
  };
}

describe('reading a labelled set', () => {
  it('when fields are quoted with commas, quotes and blank lines, then each row is one essay with its scores', async () => {
    const essays = await readLabelledEssays(csv, { mapping });
    expect(essays.map((e) => e.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(essays[0]!.text).toBe('score:4 First line, with a comma.\n\nSecond "quoted" paragraph.');
    expect(essays[1]!.scores).toEqual({ overall: 3, grammar: 3.5 });
    expect(await readLabelledEssays(csv, { mapping, limit: 2 })).toHaveLength(2);
  });

  it('when a mapped column is missing or holds a value off the scale, then reading fails naming it', async () => {
    await expect(readLabelledEssays(csv, { mapping: { cohesion: 'organisation' } })).rejects.toThrow(/no column "cohesion"/);
    await expect(readLabelledEssays(csv, { mapping: { extra: 'grammar' } })).rejects.toThrow(/row 1: extra is "x"/);
  });

  it('when a mapping or calibration is malformed, then it is refused', () => {
    expect(parseMapping('cohesion=organisation, overall=overall')).toEqual({ cohesion: 'organisation', overall: 'overall' });
    expect(() => parseMapping('cohesion=fluency')).toThrow(/not one of/);
    expect(() => parseMapping('cohesion')).toThrow(/column=criterion/);
    expect(parseCalibration('2.5,-1')).toEqual({ slope: 2.5, intercept: -1 });
    expect(() => parseCalibration('0,1')).toThrow();
    expect(() => parseCalibration('2')).toThrow();
  });
});

describe('evaluate', () => {
  let essays: LabelledEssay[];
  beforeAll(async () => {
    essays = await readLabelledEssays(csv, { mapping });
  });

  it('when a scorer answers, then its scores are mapped back to the data scale and compared per column', async () => {
    const report = await evaluate(fixedScorer, essays, options());
    expect(report).toMatchObject({ essays: 5, scored: 4, scorer: { provider: 'test', model: 'test-model', version: 'test-1' } });
    expect(report.failures).toEqual([{ id: 'E', reason: 'no score in the text' }]);
    // VSTEP 4, 6, 8, 7 -> data 2, 3, 4, 3.5 against overall 2, 3, 4, 4.5 and grammar 2, 3.5, 4, 3.5.
    const [overall, grammar] = report.criteria;
    expect(overall).toMatchObject({ column: 'overall', criterion: 'overall', n: 4, exact: 0.75, adjacent: 0.75, rmse: 0.5 });
    expect(grammar).toMatchObject({ column: 'grammar', n: 4, exact: 0.75, adjacent: 1, rmse: 0.25 });
    // As grid categories: humans 2, 4, 6, 7 and scorer 2, 4, 6, 5; observed disagreement (7 - 5)^2 = 4.
    const h = [2, 4, 6, 7];
    const p = [2, 4, 6, 5];
    let expected = 0;
    for (const i of h) for (const j of p) expected += (i - j) ** 2 / 4;
    expect(overall!.qwk).toBeCloseTo(1 - 4 / expected, 12);
    expect(overall!.confusion[7]![5]).toBe(1);
  });

  it('when routing rules apply, then the review count, reasons and trade-off are those of calibrated hybrid routing', async () => {
    const certain = { within: [0.6, 0.96, 0.99, 1, 1], interval: { low: 3, high: 5, level: 0.9 }, calibration: 'offline', bin: 1 };
    // A: uncalibrated, but the offline scorer agrees exactly (4) and is narrow enough at the boundary;
    // B: 6 and C: 8 sit near a boundary where ±0.5 holds with 0.9 only; D: 7, mid-band, 0.97.
    const report = await evaluate(fixedScorer, essays, options({ offlineOpinion: (r) => (r.text.startsWith('score:4') ? { overall: 4, uncertainty: certain } : undefined) }));
    expect(report.routing).toMatchObject({ acceptProbability: 0.95, review: 2, share: 0.5, reasons: { near_level_boundary: 2 } });
    // Human overall (VSTEP) 4, 6, 8, 9 against 4, 6, 8, 7: A and D are final; D is 2 points off.
    const at95 = report.routing.tradeOff!.rows.find((r) => r.acceptProbability === 0.95)!;
    expect(at95).toEqual({ acceptProbability: 0.95, essays: 4, autoFinalised: 2, autoShare: 0.5, autoWithin1: 0.5, autoWithinHalf: 0.5 });
    expect(report.routing.tradeOff!.all).toEqual({ essays: 4, within1: 0.75, withinHalf: 0.75 });
    // At 0.99 only A (0.99 within ±1.0 but 0.96 within ±0.5 at its boundary) is left out too.
    expect(report.routing.tradeOff!.rows.find((r) => r.acceptProbability === 0.99)!.autoFinalised).toBe(0);
    // Per essay, on the data's scale, enough to recompute the figures.
    expect(report.predictions[0]).toMatchObject({ id: 'A', human: { overall: 2, grammar: 2 }, predicted: { overall: 2, grammar: 2 }, interval: { low: 1.5, high: 2.5, level: 0.9 }, probabilityWithin1: 0.99, needsReview: false, reasons: [] });
    expect(report.predictions[1]).toMatchObject({ id: 'B', predicted: { overall: 3 }, needsReview: true, reasons: ['near_level_boundary'] });
    expect(report.predictions.map((p) => p.id)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('when an LLM run is turned into a calibration, then its bins hold the run\'s absolute errors and it is named for the model', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: `X${i}`, text: `score:${[6, 7, 8][i % 3]} plain`, scores: { overall: 3.5, grammar: 3.5 } }));
    const report = await evaluate(fixedScorer, many, options());
    const calibration = calibrationFromReport(report, 'configured-model');
    expect(calibration).toMatchObject({ name: 'test:configured-model', scorerVersion: 'test-1' });
    expect(calibration.bins.flat().sort()).toEqual(expect.arrayContaining([0, 1]));
    expect(calibration.bins.flat().every((e) => [0, 1].includes(e))).toBe(true);
    await expect(async () => calibrationFromReport({ ...report, predictions: report.predictions.slice(0, 5) }, 'configured-model')).rejects.toThrow(/at least 20/);
  });

  it('when the provider is unavailable, then the essay is retried after the Retry-After, up to the limit', async () => {
    const waits: number[] = [];
    let calls = 0;
    const flaky = scorer(async (r) => {
      calls++;
      if (r.text.startsWith('score:6') && calls < 4) throw new ProviderUnavailableError('429', 1500);
      return outcomeFor(r.text);
    });
    const report = await evaluate(flaky, essays.slice(1, 2), options({ sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([1500, 1500]);
    expect(report.failures).toEqual([{ id: 'B', reason: '429' }]);
    const patient = await evaluate(flaky, essays.slice(1, 2), options({ retries: 3 }));
    expect(patient.scored).toBe(1);
  });

  it('when the provider rejects the request, then the run stops instead of reporting meaningless numbers', async () => {
    const rejecting = scorer(async () => {
      throw new ProviderRejectedError('401 invalid key');
    });
    await expect(evaluate(rejecting, essays, options())).rejects.toThrow('401 invalid key');
  });

  it('when the report is printed, then it has the table, the confusion matrix, routing, time and tokens', async () => {
    const progress: number[] = [];
    const report = await evaluate(fixedScorer, essays, options({ onProgress: (done) => void progress.push(done) }));
    expect(progress).toEqual([0, 1, 2, 3, 4, 5]);
    expect(report.tokens).toEqual({ prompt: 400, completion: 80, perEssay: 120 });
    const text = formatReport(report);
    expect(text).toMatch(/overall → overall\s+4\s+[-\d.]+\s+[-\d.]+\s+0\.500\s+75\.0%\s+75\.0%/);
    expect(text).toContain('Confusion matrix, overall');
    expect(text).toContain('Hybrid routing at accept probability 0.95 would send');
    expect(text).toMatch(/0\.95 \*\s+\d+\/4/);
    expect(text).toContain('all essays (no routing)');
    expect(text).toContain('Tokens: 400 prompt + 80 completion; 120 per essay.');
    expect(text).toContain('Not scored (1): E: no score in the text');
  });
});
