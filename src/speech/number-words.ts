// Whole numbers as the words a speaker says, for counting their syllables (src/speech/fluency.ts)
// and for comparing transcripts that write numbers as digits (src/evaluation/speech-eval.ts).

export const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0 to 999 999 999 as words: 42 → "forty two", 1905 → "one thousand nine hundred five". */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e9) throw new RangeError(`${n} is not a whole number from 0 to 999 999 999`);
  if (n < 20) return ones[n]!;
  if (n < 100) return n % 10 ? `${tens[Math.floor(n / 10)]} ${ones[n % 10]}` : tens[n / 10]!;
  const scales: Array<[number, string]> = [[1e6, 'million'], [1e3, 'thousand'], [100, 'hundred']];
  for (const [size, name] of scales) {
    if (n >= size) {
      const rest = n % size;
      return `${numberToWords(Math.floor(n / size))} ${name}${rest ? ` ${numberToWords(rest)}` : ''}`;
    }
  }
  throw new Error('unreachable');
}
