// Deterministic, dependency-free measurements of an English text, used by the baseline scorer.

export interface TextFeatures {
  wordCount: number;
  sentenceCount: number;
  paragraphCount: number;
  meanSentenceLength: number;
  /** Standard deviation of sentence length in words: a rough measure of sentence variety. */
  sentenceLengthSpread: number;
  /** Moving-average type-token ratio over 50-word windows (length-independent diversity). */
  lexicalDiversity: number;
  /** Share of words with seven or more letters. */
  longWordShare: number;
  /** Distinct linking devices used (however, therefore, in addition, ...). */
  linkingDevices: number;
  /** Sentences that start with a lower-case letter, plus " i " used as a pronoun. */
  capitalisationSlips: number;
  /** Words repeated back to back ("the the"). */
  doubledWords: number;
  /** Share of the prompt's content words that the response uses. */
  promptOverlap: number;
}

const linkers = [
  'however', 'therefore', 'moreover', 'furthermore', 'in addition', 'firstly', 'secondly', 'finally',
  'in conclusion', 'for example', 'for instance', 'on the other hand', 'as a result', 'consequently',
  'although', 'whereas', 'in contrast', 'nevertheless', 'to sum up', 'because', 'since', 'while',
  'in my opinion', 'overall', 'besides', 'meanwhile', 'similarly', 'thus', 'hence', 'lastly',
];

// Function words are not evidence of engaging with a prompt.
const stopWords = new Set(
  ('a an the and or but if of to in on at for with by from as is are was were be been being it its this that these those ' +
    'you your we our they their he she his her i me my do does did have has had not no so than then there what which who ' +
    'whom why how when where about into over under can could should would will shall may might must write letter essay ' +
    'words least some people').split(' '),
);

export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:['’][a-z]+)*/g) ?? [];
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z]/i.test(s));
}

function movingTypeTokenRatio(tokens: string[], window = 50): number {
  if (tokens.length === 0) return 0;
  if (tokens.length <= window) return new Set(tokens).size / tokens.length;
  let sum = 0;
  const steps = tokens.length - window + 1;
  for (let i = 0; i < steps; i++) sum += new Set(tokens.slice(i, i + window)).size / window;
  return sum / steps;
}

export function measure(text: string, prompt: string): TextFeatures {
  const tokens = words(text);
  const sents = sentences(text);
  const lengths = sents.map((s) => words(s).length);
  const mean = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
  const variance = lengths.length ? lengths.reduce((a, n) => a + (n - mean) ** 2, 0) / lengths.length : 0;
  const lower = ` ${tokens.join(' ')} `;
  const promptWords = new Set(words(prompt).filter((w) => !stopWords.has(w) && w.length > 2));
  const used = new Set(tokens);
  let doubled = 0;
  for (let i = 1; i < tokens.length; i++) if (tokens[i] === tokens[i - 1]) doubled++;
  return {
    wordCount: tokens.length,
    sentenceCount: sents.length,
    paragraphCount: text.split(/\n\s*\n/).filter((p) => p.trim()).length,
    meanSentenceLength: mean,
    sentenceLengthSpread: Math.sqrt(variance),
    lexicalDiversity: movingTypeTokenRatio(tokens),
    longWordShare: tokens.length ? tokens.filter((w) => w.length >= 7).length / tokens.length : 0,
    linkingDevices: linkers.filter((l) => lower.includes(` ${l} `)).length,
    capitalisationSlips:
      sents.filter((s) => /^[a-z]/.test(s)).length + (text.match(/(^|\s)i(\s|['’])/g) ?? []).length,
    doubledWords: doubled,
    promptOverlap: promptWords.size ? [...promptWords].filter((w) => used.has(w)).length / promptWords.size : 1,
  };
}
