// The generated world of the alignment example: facts stated in plain text for pre-training
// (capitals, opposites, how things were), some of them in question-then-answer form as web text
// (FAQs) has them, and an instruction set built from the same facts ("What is the capital of
// France?" → "The capital of France is Paris.") with a held-out split. What SFT must add is the
// chat format: answer after <|assistant|>, then stop with <|end|> (a pre-trained model runs on
// into the next line). The sentiment prompts ("How was the movie?") are where the scripted
// labeler's preference is learned.

import { Rng } from '../../ts/tensor/random.js';
import type { Conversation } from '../../ts/align/sft-data.js';

export const CAPITALS: [string, string][] = [
  ['France', 'Paris'], ['Germany', 'Berlin'], ['Italy', 'Rome'], ['Spain', 'Madrid'], ['Portugal', 'Lisbon'],
  ['Greece', 'Athens'], ['Egypt', 'Cairo'], ['Japan', 'Tokyo'], ['China', 'Beijing'], ['Russia', 'Moscow'],
  ['Canada', 'Ottawa'], ['Peru', 'Lima'], ['Chile', 'Santiago'], ['Kenya', 'Nairobi'], ['Norway', 'Oslo'],
  ['Sweden', 'Stockholm'], ['Finland', 'Helsinki'], ['Poland', 'Warsaw'], ['Austria', 'Vienna'], ['Hungary', 'Budapest'],
  ['Ireland', 'Dublin'], ['Cuba', 'Havana'], ['Iran', 'Tehran'], ['Iraq', 'Baghdad'], ['Syria', 'Damascus'],
  ['Turkey', 'Ankara'], ['Thailand', 'Bangkok'], ['Vietnam', 'Hanoi'], ['Korea', 'Seoul'], ['Denmark', 'Copenhagen'],
  ['Belgium', 'Brussels'], ['Switzerland', 'Bern'], ['Brazil', 'Brasilia'], ['Australia', 'Canberra'], ['Ghana', 'Accra'],
  ['Nigeria', 'Abuja'], ['Morocco', 'Rabat'], ['Libya', 'Tripoli'], ['Sudan', 'Khartoum'], ['Uganda', 'Kampala'],
  ['Nepal', 'Kathmandu'], ['Romania', 'Bucharest'], ['Bulgaria', 'Sofia'], ['Serbia', 'Belgrade'], ['Croatia', 'Zagreb'],
  ['Latvia', 'Riga'], ['Estonia', 'Tallinn'], ['Iceland', 'Reykjavik'], ['Colombia', 'Bogota'], ['Venezuela', 'Caracas'],
  ['Ecuador', 'Quito'], ['Uruguay', 'Montevideo'], ['Pakistan', 'Islamabad'], ['Indonesia', 'Jakarta'], ['Philippines', 'Manila'],
  ['Qatar', 'Doha'], ['Lebanon', 'Beirut'], ['Jordan', 'Amman'], ['Senegal', 'Dakar'], ['Tunisia', 'Tunis'],
];

export const OPPOSITES: [string, string][] = [
  ['hot', 'cold'], ['big', 'small'], ['fast', 'slow'], ['up', 'down'], ['old', 'young'], ['light', 'dark'],
  ['hard', 'soft'], ['open', 'closed'], ['early', 'late'], ['wet', 'dry'], ['full', 'empty'], ['high', 'low'],
  ['long', 'short'], ['thick', 'thin'], ['near', 'far'], ['strong', 'weak'], ['loud', 'quiet'], ['rich', 'poor'],
  ['left', 'right'], ['first', 'last'], ['in', 'out'], ['day', 'night'],
];

export const SUBJECTS = ['movie', 'food', 'trip', 'party', 'game', 'book', 'show', 'concert', 'weather', 'meal',
  'day', 'class', 'hotel', 'song', 'film', 'play', 'match', 'dinner', 'lunch', 'weekend'];
/** AFINN-165: positive ones score +2…+4, negative −2…−3, neutral 0. */
export const POSITIVE = ['great', 'good', 'nice', 'wonderful', 'fun', 'lovely', 'excellent'];
export const NEGATIVE = ['bad', 'awful', 'terrible', 'boring', 'sad', 'horrible', 'dull'];
export const NEUTRAL = ['long', 'short', 'quiet', 'loud', 'late', 'early', 'over'];
const ADJECTIVES = [...POSITIVE, ...NEGATIVE, ...NEUTRAL];

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

/** Pre-training text: every fact in a few phrasings, shuffled, one sentence per line. */
export function pretrainText(seed = 1): string {
  const rng = new Rng(seed), lines: string[] = [];
  for (const [c, k] of CAPITALS) {
    lines.push(`The capital of ${c} is ${k}.`, `${k} is the capital of ${c}.`, `What is the capital of ${c}? The capital of ${c} is ${k}.`);
  }
  for (const [a, b] of OPPOSITES) {
    lines.push(`${a} and ${b} are opposites.`);
    for (const [x, y] of [[a, b], [b, a]]) lines.push(`The opposite of ${x} is ${y}.`, `What is the opposite of ${x}? The opposite of ${x} is ${y}.`);
  }
  for (const s of SUBJECTS) for (const a of ADJECTIVES) lines.push(`The ${s} was ${a}.`, `How was the ${s}? The ${s} was ${a}.`);
  const out: string[] = [];
  for (let r = 0; r < 3; r++) out.push(...shuffled(lines, rng)); // three passes in different orders
  return out.join('\n') + '\n';
}

export interface Instruction {
  prompt: string;
  response: string;
}

/** The question-answer instruction set, split into train and held-out (seeded). */
export function instructions(heldOutFraction = 0.25, seed = 2): { train: Instruction[]; heldOut: Instruction[] } {
  const all: Instruction[] = [
    ...CAPITALS.map(([c, k]) => ({ prompt: `What is the capital of ${c}?`, response: `The capital of ${c} is ${k}.` })),
    ...OPPOSITES.flatMap(([a, b]) => [
      { prompt: `What is the opposite of ${a}?`, response: `The opposite of ${a} is ${b}.` },
      { prompt: `What is the opposite of ${b}?`, response: `The opposite of ${b} is ${a}.` },
    ]),
  ];
  const s = shuffled(all, new Rng(seed)), k = Math.round(s.length * heldOutFraction);
  return { heldOut: s.slice(0, k), train: s.slice(k) };
}

/** Sentiment prompts: RL trains on the first 15 subjects, evaluation uses the other 5. */
export const RL_PROMPTS = SUBJECTS.slice(0, 15).map((s) => `How was the ${s}?`);
export const EVAL_PROMPTS = SUBJECTS.slice(15).map((s) => `How was the ${s}?`);

/** SFT conversations: the training instructions plus "How was the X?" answered with every kind
 *  of adjective (the SFT policy is neutral; the labeler prefers positive answers). */
export function sftConversations(train: readonly Instruction[]): Conversation[] {
  const qa = train.map((i): Conversation => [{ role: 'user', content: i.prompt }, { role: 'assistant', content: i.response }]);
  const moods = SUBJECTS.flatMap((s) => ADJECTIVES.map((a): Conversation => [{ role: 'user', content: `How was the ${s}?` }, { role: 'assistant', content: `The ${s} was ${a}.` }]));
  return [...qa, ...moods];
}

/** A response with one word said twice ("The match was wonderful." → "The match was was
 *  wonderful."), the word picked by `rng`. */
export function stutter(text: string, rng: Rng): string {
  const ws = text.split(' '), i = Math.floor(rng.uniform() * ws.length), w = ws[i].replace(/[.,!?]+$/, '');
  return [...ws.slice(0, i), w, ...ws.slice(i)].join(' ');
}
