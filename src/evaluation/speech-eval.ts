// Word error rate (WER) of a recogniser on a labelled speech set, and the per-condition summary
// `npm run eval:speech` prints: what was said and what was recognised are normalised the same
// way (case, punctuation, numbers, spelling variants, filled pauses), aligned word by word
// (Levenshtein), and the errors pooled per condition. The set itself (src/evaluation/speech-set.json)
// is text and a synthesis recipe; src/evaluation/speech-synthesis.ts turns it into audio.
import { numberToWords, ones } from '../speech/number-words.ts';
import { z } from 'zod';
import { isFilledPause } from '../speech/fluency.ts';
import { percentile } from '../lib/percentile.ts';

const noiseSchema = z.object({ type: z.enum(['white', 'pink', 'brown']), snrDb: z.number() });

export const speechConditionSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** An espeak-ng voice (not an mbrola one). */
  voice: z.string().min(1),
  /** espeak-ng's rate, words per minute (-s). */
  speed: z.number().int().min(80).max(450),
  /** inserted: the text's hesitant variant, its [pause] marks as 700 ms SSML breaks and its um/uh spoken. */
  pauses: z.enum(['none', 'inserted']),
  /** Noise mixed in at this signal-to-noise ratio (active speech RMS over noise RMS), or none. */
  noise: noiseSchema.nullable(),
  description: z.string().optional(),
});

export const speechTextSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  topic: z.string(),
  level: z.string(),
  /** What is said, and the reference transcript. */
  text: z.string().min(1),
  /** The same words with [pause] marks and fillers (um, uh) between them. */
  hesitant: z.string().min(1),
});

export const speechSetSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    recipe: z.string().min(1),
    texts: z.array(speechTextSchema).min(1),
    conditions: z.array(speechConditionSchema).min(1),
  })
  .superRefine((set, ctx) => {
    for (const t of set.texts) {
      // The hesitant variant may add pauses and fillers, nothing else.
      if (normaliseForWer(t.hesitant.replaceAll('[pause]', ' ')) !== normaliseForWer(t.text)) {
        ctx.addIssue({ code: 'custom', path: ['texts', t.id], message: 'the hesitant variant says other words than the text' });
      }
    }
    for (const key of ['texts', 'conditions'] as const) {
      const ids = set[key].map((x) => x.id);
      const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
      if (repeated) ctx.addIssue({ code: 'custom', path: [key], message: `"${repeated}" appears twice` });
    }
  });

export type SpeechCondition = z.infer<typeof speechConditionSchema>;
export type SpeechText = z.infer<typeof speechTextSchema>;
export type SpeechSet = z.infer<typeof speechSetSchema>;

// --- Normalisation ---------------------------------------------------------------------------

export { numberToWords };

const ordinalEndings: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

/** "twenty one" → "twenty first", "twelve" → "twelfth", "forty" → "fortieth". */
function ordinal(words: string): string {
  const parts = words.split(' ');
  const last = parts.pop()!;
  const changed = ordinalEndings[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...parts, changed].join(' ');
}

function spellNumber(digits: string, fraction: string | undefined): string {
  const n = Number(digits);
  // Past the range, or written with leading zeros (a code, a phone number): digit by digit.
  const whole = n < 1e9 && !(digits.length > 1 && digits.startsWith('0')) ? numberToWords(n) : [...digits].map((d) => ones[Number(d)]).join(' ');
  return fraction ? `${whole} point ${[...fraction].map((d) => ones[Number(d)]).join(' ')}` : whole;
}

const abbreviations: Array<[RegExp, string]> = [
  [/\bmr\.?(?=\s|$)/g, 'mister'],
  [/\bmrs\.?(?=\s|$)/g, 'missus'],
  [/\bms\.(?=\s|$)/g, 'miss'],
  [/\bdr\.(?=\s|$)/g, 'doctor'],
  [/\bst\.(?=\s+[a-z])/g, 'saint'],
  [/\bvs\.?(?=\s|$)/g, 'versus'],
  [/\betc\.?(?=\s|$)/g, 'et cetera'],
];

/** Contractions as their full words, so "aren't" and "are not" are the same two words. */
const contractions: Array<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bshan't\b/g, 'shall not'],
  [/\blet's\b/g, 'let us'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'m\b/g, ' am'],
  [/'ll\b/g, ' will'],
  // After these, 's is "is" (or "has"; both sides are read the same way); elsewhere a possessive.
  [/\b(it|that|there|here|what|where|who|how|he|she)'s\b/g, '$1 is'],
];

/** British spellings and informal variants, written as the American/standard form both sides use. */
const spellings: Record<string, string> = {
  centre: 'center', centres: 'centers', theatre: 'theater', metre: 'meter', metres: 'meters', kilometre: 'kilometer', kilometres: 'kilometers',
  colour: 'color', colours: 'colors', favourite: 'favorite', favourites: 'favorites', neighbour: 'neighbor', neighbours: 'neighbors',
  behaviour: 'behavior', labour: 'labor', honour: 'honor', humour: 'humor', flavour: 'flavor',
  realise: 'realize', realised: 'realized', organise: 'organize', organised: 'organized', recognise: 'recognize', recognised: 'recognized',
  apologise: 'apologize', practise: 'practice', practised: 'practiced', travelling: 'traveling', travelled: 'traveled', traveller: 'traveler',
  programme: 'program', programmes: 'programs', licence: 'license', defence: 'defense', analyse: 'analyze', jewellery: 'jewelry',
  ok: 'okay', cafe: 'cafe', 'café': 'cafe', cafes: 'cafes', 'cafés': 'cafes',
};

/**
 * What is compared in WER: lower case; "mr." → "mister" and the like; numbers as words
 * ("10" → "ten", "2.5" → "two point five", "21st" → "twenty first", "%" → "percent"); contractions
 * expanded ("don't" → "do not", "it's" → "it is"); hyphens and dashes as spaces; other punctuation
 * dropped (a possessive's apostrophe kept); British spellings as American; filled pauses (um, uh,
 * er) dropped. Words joined by one space.
 */
export function normaliseForWer(text: string): string {
  let s = text.toLowerCase().normalize('NFC').replace(/[\u2018\u2019\u02bc]/g, "'");
  for (const [pattern, expansion] of [...abbreviations, ...contractions]) s = s.replace(pattern, expansion);
  s = s
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/%/g, ' percent ')
    .replace(/&/g, ' and ')
    .replace(/(\d+)(?:st|nd|rd|th)\b/g, (_, d: string) => ` ${ordinal(spellNumber(d, undefined))} `)
    .replace(/(\d+)(?:\.(\d+))?/g, (_, d: string, f: string | undefined) => ` ${spellNumber(d, f)} `)
    .replace(/[-\u2010-\u2015/]/g, ' ')
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ');
  return s
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w && !isFilledPause(w))
    .map((w) => spellings[w] ?? w)
    .join(' ');
}

/** Filled pauses (um, uh, er…) written in a transcript. */
export const countFilledPauses = (text: string) =>
  text
    .toLowerCase()
    .split(/[\s,.;:!?]+/)
    .filter((w) => w && isFilledPause(w)).length;

// --- Word errors -----------------------------------------------------------------------------

export interface WordErrors {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Words in the (normalised) reference. */
  referenceWords: number;
}

const wordsOf = (text: string) => {
  const n = normaliseForWer(text);
  return n ? n.split(' ') : [];
};

/** Two neighbours written as one word the reference uses ("smart phone" for "smartphone") are that word. */
function joinCompounds(words: readonly string[], reference: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const joined = i + 1 < words.length ? words[i]! + words[i + 1]! : '';
    if (joined && reference.has(joined)) {
      out.push(joined);
      i++;
    } else {
      out.push(words[i]!);
    }
  }
  return out;
}

/**
 * The fewest substitutions, deletions and insertions that turn the reference's words into the
 * hypothesis's (Levenshtein on words, after normaliseForWer, and with a compound the hypothesis
 * writes as two words joined when the reference writes it as one; the reference is never changed,
 * so its word count does not depend on the hypothesis). Of equally short alignments, the one with
 * the most substitutions is counted (as NIST's sclite does).
 */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = wordsOf(reference);
  const hyp = joinCompounds(wordsOf(hypothesis), new Set(ref));
  const cols = hyp.length + 1;
  // cost[i * cols + j]: edits between ref[0..i) and hyp[0..j).
  const cost = new Uint32Array((ref.length + 1) * cols);
  for (let i = 0; i <= ref.length; i++) cost[i * cols] = i;
  for (let j = 0; j <= hyp.length; j++) cost[j] = j;
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= hyp.length; j++) {
      const diagonal = cost[(i - 1) * cols + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cost[i * cols + j] = Math.min(diagonal, cost[(i - 1) * cols + j]! + 1, cost[i * cols + j - 1]! + 1);
    }
  }
  const errors: WordErrors = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: ref.length };
  let i = ref.length;
  let j = hyp.length;
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j]!;
    if (i > 0 && j > 0 && here === cost[(i - 1) * cols + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      if (ref[i - 1] !== hyp[j - 1]) errors.substitutions++;
      i--;
      j--;
    } else if (i > 0 && here === cost[(i - 1) * cols + j]! + 1) {
      errors.deletions++;
      i--;
    } else {
      errors.insertions++;
      j--;
    }
  }
  return errors;
}

/** (S + D + I) / N. A reference without words has no WER. */
export function errorRate(e: WordErrors): number {
  if (e.referenceWords === 0) throw new RangeError('the reference has no words');
  return (e.substitutions + e.deletions + e.insertions) / e.referenceWords;
}

export const wer = (reference: string, hypothesis: string) => errorRate(wordErrors(reference, hypothesis));

// --- Per recording and per condition ---------------------------------------------------------

export interface RecordingResult {
  condition: string;
  /** The text's id (generated set) or the sample's file name (real speech). */
  item: string;
  reference: string;
  /** What the recogniser wrote ('' when it refused the recording). */
  hypothesis: string;
  errors: WordErrors;
  wer: number;
  audioSeconds: number;
  /** Wall time of the transcription call. */
  transcribeSeconds: number;
  /** transcribeSeconds / audioSeconds. */
  rtf: number;
  /** CPU seconds the recogniser spent on it, when known (hardly changed by other work on the machine). */
  cpuSeconds: number | null;
  meanWordProbability: number | null;
  /** Calibrated confidence the transcriber reported (null when it refused the recording). */
  confidence: number | null;
  /** Fillers spoken into the recording, and fillers the recogniser wrote. */
  fillersSpoken: number;
  fillersWritten: number;
  /** Why the recogniser returned no transcript (its words then all count as deleted). */
  failure: string | null;
}

export interface ConditionSummary {
  condition: string;
  recordings: number;
  failures: number;
  words: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Pooled: all errors over all reference words. */
  wer: number;
  medianRtf: number;
  /** Median wall time of one transcription: Whisper encodes 30-second windows, so short clips cost about as much as long ones. */
  medianSeconds: number;
  /** Median CPU seconds per audio second (null when the recogniser's CPU time is not known). */
  medianCpuRtf: number | null;
  /** Mean over recordings with word probabilities. */
  meanWordProbability: number | null;
  /** Fillers spoken into the recordings, and fillers the recogniser wrote (spoken or not). */
  fillersSpoken: number;
  fillersWritten: number;
  /** Null when no fillers were spoken. */
  filledPauseRecall: number | null;
}

/**
 * Fillers the recogniser wrote over fillers spoken, pooled; a recording's written fillers count
 * up to the number spoken in it (so extra ones elsewhere cannot make up for missed ones).
 */
export function filledPauseRecall(results: ReadonlyArray<Pick<RecordingResult, 'fillersSpoken' | 'fillersWritten'>>): number | null {
  const spoken = results.reduce((s, r) => s + r.fillersSpoken, 0);
  if (spoken === 0) return null;
  return results.reduce((s, r) => s + Math.min(r.fillersSpoken, r.fillersWritten), 0) / spoken;
}

export function summarise(condition: string, results: readonly RecordingResult[]): ConditionSummary {
  const sum = (f: (r: RecordingResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const words = sum((r) => r.errors.referenceWords);
  const errors = { substitutions: sum((r) => r.errors.substitutions), deletions: sum((r) => r.errors.deletions), insertions: sum((r) => r.errors.insertions) };
  const probabilities = results.flatMap((r) => (r.meanWordProbability === null ? [] : [r.meanWordProbability]));
  const rtfs = results.filter((r) => !r.failure).map((r) => r.rtf).sort((a, b) => a - b);
  const cpuRtfs = results.flatMap((r) => (r.failure || r.cpuSeconds === null ? [] : [r.cpuSeconds / r.audioSeconds])).sort((a, b) => a - b);
  return {
    condition,
    recordings: results.length,
    failures: results.filter((r) => r.failure).length,
    words,
    ...errors,
    wer: words ? (errors.substitutions + errors.deletions + errors.insertions) / words : Number.NaN,
    medianRtf: percentile(rtfs, 50),
    medianSeconds: percentile(results.filter((r) => !r.failure).map((r) => r.transcribeSeconds).sort((a, b) => a - b), 50),
    medianCpuRtf: cpuRtfs.length ? percentile(cpuRtfs, 50) : null,
    meanWordProbability: probabilities.length ? probabilities.reduce((a, b) => a + b, 0) / probabilities.length : null,
    fillersSpoken: sum((r) => r.fillersSpoken),
    fillersWritten: sum((r) => r.fillersWritten),
    filledPauseRecall: filledPauseRecall(results),
  };
}

/** One summary per condition, in the order the conditions first appear. */
export function summariseByCondition(results: readonly RecordingResult[]): ConditionSummary[] {
  const groups = new Map<string, RecordingResult[]>();
  for (const r of results) groups.set(r.condition, [...(groups.get(r.condition) ?? []), r]);
  return [...groups].map(([condition, rs]) => summarise(condition, rs));
}

// --- Real read speech ------------------------------------------------------------------------

/** CMU Sphinx transcription lines, "<s> go forward ten meters </s> (fileid)", as fileid → text. */
export function parseSphinxTranscription(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(.*)\(([^()]+)\)\s*$/.exec(line.trim());
    if (!m) continue;
    out.set(m[2]!.trim(), m[1]!.replace(/<\/?s>/g, ' ').replace(/\s+/g, ' ').trim());
  }
  return out;
}

// --- The table -------------------------------------------------------------------------------

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}` : 'n/a');
const fixed = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The summaries as a Markdown table (aligned, so it reads in a terminal too). */
export function formatSpeechTable(rows: readonly ConditionSummary[]): string {
  const header = ['condition', 'recordings', 'words', 'WER %', 'sub/del/ins', 'median RTF', 'median s', 'CPU s / audio s', 'mean word p', 'fillers written/spoken', 'filler recall'];
  const cells = rows.map((r) => [
    r.condition,
    r.failures ? `${r.recordings} (${r.failures} refused)` : String(r.recordings),
    String(r.words),
    pct(r.wer),
    `${r.substitutions}/${r.deletions}/${r.insertions}`,
    fixed(r.medianRtf, 3),
    fixed(r.medianSeconds, 2),
    fixed(r.medianCpuRtf, 3),
    fixed(r.meanWordProbability, 3),
    `${r.fillersWritten}/${r.fillersSpoken}`,
    r.filledPauseRecall === null ? '' : `${pct(r.filledPauseRecall)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
