// npm run eval:injection — how often the shared prompt-injection detector (src/scoring/injection.ts)
// flags the hand-written corpora in test/fixtures/injection: the steering texts (true positives),
// the honest ones (false positives), and the held-out set written before the detector was tuned.
// Prints a markdown table for docs/scoring.md, then the texts it got wrong.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectInjection } from '../src/scoring/injection.ts';

const corpora = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/injection');

interface Item {
  id: string;
  text: string;
  steering?: boolean;
}

const load = (name: string): Item[] => JSON.parse(readFileSync(path.join(corpora, name), 'utf8')) as Item[];

/** One table row: the texts, how many were flagged, and the ones the detector got wrong. */
function row(corpus: string, items: Item[], steering: boolean) {
  const flagged = items.filter((item) => detectInjection(item.text).suspected);
  const wrong = items.filter((item) => detectInjection(item.text).suspected !== steering).map((item) => item.id);
  return { corpus, texts: items.length, flagged: flagged.length, rate: flagged.length / items.length, wrong, steering };
}

export function injectionReport(): string {
  const holdout = load('holdout.json');
  const rows = [
    row('steering.json (should be flagged)', load('steering.json'), true),
    row('honest.json (should not be flagged)', load('honest.json'), false),
    row('holdout.json, steering (should be flagged)', holdout.filter((item) => item.steering === true), true),
    row('holdout.json, honest (should not be flagged)', holdout.filter((item) => item.steering === false), false),
  ];
  const lines = ['| corpus | texts | flagged | rate |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.corpus} | ${r.texts} | ${r.flagged} | ${(r.rate * 100).toFixed(1)}% |`);
  lines.push('');
  for (const r of rows) {
    if (r.wrong.length) lines.push(`${r.corpus}: ${r.steering ? 'missed' : 'false positives'}: ${r.wrong.join(', ')}`);
  }
  if (rows.every((r) => r.wrong.length === 0)) lines.push('No text misclassified.');
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(injectionReport());
}
