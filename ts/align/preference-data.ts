// Preference records, as InstructGPT collects them (Ouyang et al. 2022, §3.5): a prompt, K
// responses and a person's ranking of them, best first; every one of the K(K−1)/2 pairs of a
// ranking becomes one comparison. The two-response form {"prompt","chosen","rejected"} is the
// Anthropic HH / TRL layout.

import { AlignDataError, show } from './errors.js';
import { parseJsonl } from './jsonl.js';

/** `ranking` lists indices into `responses`, best first: [2, 0, 1] = responses[2] is best. */
export interface RankingRecord {
  prompt: string;
  responses: string[];
  ranking: number[];
}

/** One comparison: `chosen` is preferred to `rejected` for `prompt`. */
export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
}

function str(v: unknown, what: string, source: string, line: number): string {
  if (typeof v !== 'string') throw new AlignDataError(source, line, `${what} must be a string, got ${show(v)}`);
  if (v.trim() === '') throw new AlignDataError(source, line, `${what} is empty`);
  return v;
}

/** Checks a ranking record; throws naming the problem (not a permutation, empty response, …). */
export function checkRanking(v: Record<string, unknown>, source = 'preferences', line = 0): RankingRecord {
  const prompt = str(v.prompt, '"prompt"', source, line);
  if (!Array.isArray(v.responses) || v.responses.length < 2) {
    throw new AlignDataError(source, line, `"responses" must be an array of at least 2 responses, got ${show(v.responses)}`);
  }
  const responses = v.responses.map((r, i) => str(r, `responses[${i}]`, source, line));
  const K = responses.length, r = v.ranking;
  if (!Array.isArray(r) || r.length !== K || !r.every((x) => Number.isInteger(x) && x >= 0 && x < K) || new Set(r).size !== K) {
    throw new AlignDataError(source, line, `"ranking" must be a permutation of 0…${K - 1} (indices into responses, best first), got ${show(r)}`);
  }
  return { prompt, responses, ranking: r as number[] };
}

/** One record (either form) → its comparisons. */
export function recordPairs(v: Record<string, unknown>, source = 'preferences', line = 0): PreferencePair[] {
  if ('chosen' in v || 'rejected' in v) {
    const extra = Object.keys(v).filter((k) => !['prompt', 'chosen', 'rejected'].includes(k));
    if (extra.length) throw new AlignDataError(source, line, `unknown field ${show(extra[0])} in a {"prompt","chosen","rejected"} record`);
    const pair = { prompt: str(v.prompt, '"prompt"', source, line), chosen: str(v.chosen, '"chosen"', source, line), rejected: str(v.rejected, '"rejected"', source, line) };
    if (pair.chosen === pair.rejected) throw new AlignDataError(source, line, '"chosen" and "rejected" are the same text');
    return [pair];
  }
  const extra = Object.keys(v).filter((k) => !['prompt', 'responses', 'ranking'].includes(k));
  if (extra.length) throw new AlignDataError(source, line, `unknown field ${show(extra[0])} (expected "prompt","responses","ranking" or "prompt","chosen","rejected")`);
  return rankingPairs(checkRanking(v, source, line));
}

/** The K(K−1)/2 comparisons of a ranking, better response first. Identical texts make no pair. */
export function rankingPairs(rec: RankingRecord): PreferencePair[] {
  const out: PreferencePair[] = [];
  const { ranking, responses, prompt } = rec;
  for (let i = 0; i < ranking.length; i++) {
    for (let j = i + 1; j < ranking.length; j++) {
      const chosen = responses[ranking[i]], rejected = responses[ranking[j]];
      if (chosen !== rejected) out.push({ prompt, chosen, rejected });
    }
  }
  return out;
}

/** Every comparison of a JSONL text of rankings and/or chosen/rejected records. */
export function parsePreferenceJsonl(jsonl: string, source = 'preferences'): PreferencePair[] {
  return parseJsonl(jsonl, source).flatMap(({ line, value }) => recordPairs(value, source, line));
}
