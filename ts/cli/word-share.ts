// How much of what a model writes is made of real words: the demo's measure of "reads as
// English", printed before and after training.
//
// Definitions (one function serves both sides, so they cannot drift apart):
// - a word is a maximal run of letters (any script, \p{L}) and apostrophes, lowercased, with
//   apostrophes at either end dropped (so the quote in 'Tis or in the jurors' does not make a
//   new word; "don't" stays one word). Digits, hyphens, spaces and punctuation separate words:
//   "well-known" is two words, "1961" none.
// - the vocabulary is the set of words of the training text (for the demo: the whole Brown
//   corpus as brownText() gives it, about 50 k words).
// - the word share of some samples is (sampled words found in the vocabulary) / (sampled words),
//   counting every occurrence. A sample cut off by the token limit in the middle of a word has
//   that last fragment left out: it is unfinished, neither right nor wrong.

const WORD = /[\p{L}']+/gu;

/** The words of a text, in order (see the definition above). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0].replace(/^'+|'+$/g, '');
    if (w !== '') out.push(w);
  }
  return out;
}

/** The vocabulary of a text: the set of its words. */
export function vocabulary(text: string): Set<string> {
  return new Set(words(text));
}

/** The words of a generated sample without a last word the token limit cut off. `finished`
 *  says whether the sample ended on its own (an end token or stop string): then nothing is cut. */
export function completeWords(sample: string, finished = false): string[] {
  const ws = words(sample);
  if (!finished && /[\p{L}']$/u.test(sample)) ws.pop();
  return ws;
}

export interface WordShare {
  known: number; // sampled words in the vocabulary
  total: number; // sampled words
  share: number; // known / total (NaN when there are no words)
}

/** The share of the samples' (complete) words that are in the vocabulary. */
export function wordShare(samples: readonly string[], vocab: ReadonlySet<string>): WordShare {
  let known = 0, total = 0;
  for (const s of samples) {
    for (const w of completeWords(s)) { total++; if (vocab.has(w)) known++; }
  }
  return { known, total, share: total > 0 ? known / total : NaN };
}
