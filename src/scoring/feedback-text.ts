// The offline scorers' feedback, in each language a task can ask for (`feedbackLanguage`).
// Only words change with the language: every number comes from the same measurement, and the
// scores never depend on it. Quotes from the student's answer stay as written.
import type { FluencyMeasures } from '../speech/fluency.ts';
import type { FeedbackLanguage } from './scorer.ts';

const list = (items: readonly string[], n = 3) => items.slice(0, n).map((x) => `"${x}"`).join(', ');

export interface FeedbackText {
  taskFulfilment(words: number, minimum: number, promptShare: number): string;
  organisation(paragraphs: number, sentences: number, connectives: readonly string[]): string;
  vocabulary(mattr: string, misspellings: readonly string[]): string;
  grammar(slips: readonly string[], punctuation: readonly string[]): string;
  writingSummary: string;
  speakingGrammar(complexPer100: string, runSyllables: string | null, slips: readonly string[]): string;
  speakingVocabulary(diversity: string, rareShare: number): string;
  fluency(f: FluencyMeasures): string;
  discourse(words: number, guide: number, markers: number, promptShare: number): string;
  speakingSummary: string;
  pronunciation(provider: string, confidenceShare: number): string;
  pronunciationCaveat: string;
}

export const feedbackText: Record<FeedbackLanguage, FeedbackText> = {
  en: {
    taskFulfilment: (w, min, share) => `${w} words against a minimum of ${min}; uses ${share}% of the prompt's key words.`,
    organisation: (p, s, c) =>
      `${p} paragraph(s), ${s} sentence(s); ` + (c.length ? `linking devices used: ${c.slice(0, 6).join(', ')}.` : 'no linking devices found.'),
    vocabulary: (m, miss) =>
      `Lexical diversity ${m} (moving type-token ratio); ` + (miss.length ? `${miss.length} misspelt word(s), e.g. ${list(miss)}.` : 'no misspelt words found.'),
    grammar: (slips, punct) =>
      (slips.length ? `Likely grammar slips: ${list(slips)}` : 'No common grammar slips found') + (punct.length ? `; punctuation: ${list(punct, 2)}.` : '.'),
    writingSummary:
      'Scored offline by a model fitted to human ratings of learner essays, from measured features: spelling, ' +
      'common grammar slips, lexical range and sophistication, sentence variety, linking devices, paragraphing and length. ' +
      'It cannot judge meaning or argument in depth.',
    speakingGrammar: (c, r, slips) =>
      `${c} subordinating words per 100 words; ${r ?? 'unknown'} syllables per fluent run` + (slips.length ? `; likely slips: ${list(slips)}.` : '.'),
    speakingVocabulary: (d, share) => `Lexical diversity ${d}; ${share}% less common words.`,
    fluency: (f) =>
      f.speechSyllablesPerSecond === null
        ? (f.wordsPerMinute === null ? 'Speech rate unknown (no recording length)' : `${f.wordsPerMinute.toFixed(0)} words per minute`) +
          '; no word timings, so pauses were not measured.'
        : `${f.speechSyllablesPerSecond.toFixed(1)} syllables per second (${f.articulationSyllablesPerSecond?.toFixed(1) ?? 'n/a'} without the pauses); ` +
          `${f.pauseCount} pause(s) of 0.25 s or more, ${f.longPauseCount} of a second or more; ${f.meanRunSyllables?.toFixed(1)} syllables between pauses; ` +
          `${f.filledPauseCount} filled pause(s) such as "um".`,
    discourse: (w, g, m, share) => `${w} words against a guide of ${g}; ${m} different discourse marker(s); uses ${share}% of the prompt's key words.`,
    speakingSummary:
      'Scored by the offline baseline from the transcript (length, prompt coverage, discourse markers, lexical diversity, ' +
      'complex structures, common grammar slips) and measured delivery (speech and articulation rate in syllables, pauses, ' +
      'length of fluent runs, filled pauses).',
    pronunciation: (provider, share) =>
      `Estimated, not assessed: a transcript cannot show pronunciation. This score follows the speech recogniser's confidence ` +
      `(${provider}, ${share}%), which falls when speech is hard to recognise; background noise and recording quality lower it too. A grader should listen to confirm it.`,
    pronunciationCaveat: 'Pronunciation is estimated from speech-recogniser confidence, not assessed: a transcript cannot show it.',
  },
  vi: {
    taskFulfilment: (w, min, share) => `${w} từ so với yêu cầu tối thiểu ${min} từ; dùng ${share}% từ khóa của đề bài.`,
    organisation: (p, s, c) => `${p} đoạn, ${s} câu; ` + (c.length ? `từ nối đã dùng: ${c.slice(0, 6).join(', ')}.` : 'không thấy từ nối nào.'),
    vocabulary: (m, miss) =>
      `Độ đa dạng từ vựng ${m} (tỉ lệ từ khác nhau theo cửa sổ trượt); ` + (miss.length ? `${miss.length} từ sai chính tả, ví dụ ${list(miss)}.` : 'không thấy lỗi chính tả.'),
    grammar: (slips, punct) =>
      (slips.length ? `Có thể có lỗi ngữ pháp: ${list(slips)}` : 'Không thấy lỗi ngữ pháp thường gặp') + (punct.length ? `; dấu câu: ${list(punct, 2)}.` : '.'),
    writingSummary:
      'Chấm ngoại tuyến bằng một mô hình được khớp với điểm của giám khảo cho bài viết của người học, dựa trên các đặc trưng đo được: ' +
      'chính tả, lỗi ngữ pháp thường gặp, độ rộng và độ khó của từ vựng, sự đa dạng của câu, từ nối, cách chia đoạn và độ dài. ' +
      'Mô hình không đánh giá sâu được nội dung hay lập luận.',
    speakingGrammar: (c, r, slips) =>
      `${c} từ nối phụ thuộc trên 100 từ; ${r ?? 'không rõ'} âm tiết mỗi chuỗi nói liền mạch` + (slips.length ? `; có thể là lỗi: ${list(slips)}.` : '.'),
    speakingVocabulary: (d, share) => `Độ đa dạng từ vựng ${d}; ${share}% từ ít thông dụng.`,
    fluency: (f) =>
      f.speechSyllablesPerSecond === null
        ? (f.wordsPerMinute === null ? 'Không rõ tốc độ nói (không có độ dài bản ghi âm)' : `${f.wordsPerMinute.toFixed(0)} từ mỗi phút`) +
          '; không có mốc thời gian của từng từ nên chưa đo được các quãng ngừng.'
        : `${f.speechSyllablesPerSecond.toFixed(1)} âm tiết mỗi giây (${f.articulationSyllablesPerSecond?.toFixed(1) ?? 'không rõ'} khi không tính quãng ngừng); ` +
          `${f.pauseCount} quãng ngừng từ 0,25 giây, ${f.longPauseCount} quãng từ một giây trở lên; ${f.meanRunSyllables?.toFixed(1)} âm tiết giữa hai quãng ngừng; ` +
          `${f.filledPauseCount} lần ngập ngừng có tiếng như "ờ", "um".`,
    discourse: (w, g, m, share) => `${w} từ so với mức gợi ý ${g} từ; ${m} dấu hiệu diễn ngôn khác nhau; dùng ${share}% từ khóa của đề bài.`,
    speakingSummary:
      'Chấm bằng bộ chấm cơ sở ngoại tuyến từ bản chép lời (độ dài, mức bám đề, dấu hiệu diễn ngôn, độ đa dạng từ vựng, ' +
      'cấu trúc phức, lỗi ngữ pháp thường gặp) và cách nói đo được (tốc độ nói và tốc độ phát âm tính theo âm tiết, quãng ngừng, ' +
      'độ dài chuỗi nói liền mạch, ngập ngừng có tiếng).',
    pronunciation: (provider, share) =>
      `Ước lượng, không phải chấm: bản chép lời không cho thấy cách phát âm. Điểm này theo độ tin cậy của bộ nhận dạng giọng nói ` +
      `(${provider}, ${share}%), vốn giảm khi lời nói khó nhận dạng; tiếng ồn và chất lượng ghi âm cũng làm nó giảm. Giám khảo nên nghe lại để xác nhận.`,
    pronunciationCaveat: 'Phát âm được ước lượng từ độ tin cậy của bộ nhận dạng giọng nói, không được chấm: bản chép lời không cho thấy cách phát âm.',
  },
};
