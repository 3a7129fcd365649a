// Repetition and diversity of sampled responses, reported beside reward and KL: a policy that
// learns "The lunch was was was wonderful." has found a hole in its reward model, and the score
// alone does not show it. Words are lower-cased runs of letters, digits and apostrophes.
//
//   repetition: the fraction of responses that repeat themselves, i.e. hold a word twice in a
//     row ("was was") or a word bigram twice ("the play was … the play was")
//   distinct-2 (Li et al. 2016, "A Diversity-Promoting Objective"): distinct word bigrams over
//     all bigrams of all responses; 1 when no bigram is ever reused, near 0 for one canned reply

/** The words of a text. Example: "The match was was R party!" → [the, match, was, was, r, party]. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Adjacent word pairs, joined by a space. Example: [a, b, a, b] → ["a b", "b a", "a b"]. */
export function bigrams(ws: readonly string[]): string[] {
  return ws.slice(1).map((w, i) => `${ws[i]} ${w}`);
}

/** Whether a response repeats a word back to back or uses a word bigram twice. */
export function isRepetitive(text: string): boolean {
  const ws = words(text);
  if (ws.some((w, i) => i > 0 && w === ws[i - 1])) return true;
  const bs = bigrams(ws);
  return new Set(bs).size < bs.length;
}

/** Fraction of `texts` that are repetitive (0 for none). */
export function repetitionRate(texts: readonly string[]): number {
  return texts.length ? texts.filter(isRepetitive).length / texts.length : 0;
}

/** distinct-2 over all `texts`: |distinct bigrams| / |bigrams| (1 when there are none). */
export function distinct2(texts: readonly string[]): number {
  const all = texts.flatMap((t) => bigrams(words(t)));
  return all.length ? new Set(all).size / all.length : 1;
}

export interface Diversity {
  repetition: number; // fraction of responses with a doubled word or a reused word bigram
  distinct2: number; // distinct word bigrams / all word bigrams
}

export function diversity(texts: readonly string[]): Diversity {
  return { repetition: repetitionRate(texts), distinct2: distinct2(texts) };
}
