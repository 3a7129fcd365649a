// Bad input: malformed JSONL lines are reported with their line number, rankings that are not a
// permutation, empty responses and wrong roles are clear Errors; good records expand as
// InstructGPT does (K responses → K(K−1)/2 comparisons).
import { describe, expect, it } from 'vitest';
import { parseSftJsonl } from '../../ts/align/sft-data.js';
import { parsePreferenceJsonl } from '../../ts/align/preference-data.js';
import { AlignDataError, AlignError } from '../../ts/align/errors.js';
import { chatIds } from '../../ts/align/chat.js';
import { scriptedRanking, sentimentScore } from '../../ts/align/labeler.js';
import { CharTokenizer } from '../../ts/tokenizer/char.js';

const fails = (f: () => unknown, re: RegExp) => {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(AlignDataError);
  expect((err as Error).message).toMatch(re);
};

describe('SFT records', () => {
  it('reads both forms and skips blank lines', () => {
    const c = parseSftJsonl('{"prompt":"a","response":"b"}\n\n{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"},{"role":"user","content":"z"},{"role":"assistant","content":"w"}]}\n');
    expect(c).toHaveLength(2);
    expect(c[1].map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('names the line of a malformed record', () => {
    fails(() => parseSftJsonl('{"prompt":"a","response":"b"}\n{"prompt": "a", "response": \n', 'train.jsonl'), /^train\.jsonl:2: not valid JSON/);
    fails(() => parseSftJsonl('\n\n[1,2]\n', 'f'), /^f:3: expected a JSON object, got an array/);
    fails(() => parseSftJsonl('{"prompt":"a","response":""}', 'f'), /^f:1: "response" is empty/);
    fails(() => parseSftJsonl('{"prompt":"a","answer":"b"}', 'f'), /unknown field "answer"/);
    fails(() => parseSftJsonl('{"messages":[{"role":"assistant","content":"hi"},{"role":"user","content":"x"}]}', 'f'), /messages\[0\]\.role must be "user"/);
    fails(() => parseSftJsonl('{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":"c"}]}', 'f'), /last message must be the assistant's/);
    fails(() => parseSftJsonl('\n  \n', 'f'), /no records/);
  });
});

describe('preference records', () => {
  it('a ranking of K gives K(K−1)/2 comparisons, best first', () => {
    const pairs = parsePreferenceJsonl('{"prompt":"p","responses":["a","b","c"],"ranking":[2,0,1]}\n{"prompt":"q","chosen":"x","rejected":"y"}');
    expect(pairs.map((p) => `${p.chosen}>${p.rejected}`)).toEqual(['c>a', 'c>b', 'a>b', 'x>y']);
  });

  it('rejects rankings that are not permutations, empty responses, and names the line', () => {
    const rec = (o: object) => '\n' + JSON.stringify(o);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a', 'b', 'c'], ranking: [0, 0, 1] }), 'prefs.jsonl'), /^prefs\.jsonl:2: "ranking" must be a permutation of 0…2.*\[0,0,1\]/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a', 'b'], ranking: [0, 2] }), 'f'), /permutation of 0…1/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a', 'b'], ranking: [0] }), 'f'), /permutation/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a', 'b'], ranking: [0.5, 1] }), 'f'), /permutation/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a', ' '], ranking: [0, 1] }), 'f'), /f:2: responses\[1\] is empty/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', responses: ['a'], ranking: [0] }), 'f'), /at least 2 responses/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', chosen: 'a', rejected: '' }), 'f'), /"rejected" is empty/);
    fails(() => parsePreferenceJsonl(rec({ prompt: 'p', chosen: 'a', rejected: 'a' }), 'f'), /the same text/);
    fails(() => parsePreferenceJsonl(rec({ prompt: '', chosen: 'a', rejected: 'b' }), 'f'), /"prompt" is empty/);
    fails(() => parsePreferenceJsonl('{"prompt":"p","responses":["a","b"],"ranking":[1,0]}\n{oops}', 'f'), /^f:2: not valid JSON/);
  });

  it('a tokenizer without chat tokens is refused by name', () => {
    expect(() => chatIds(CharTokenizer.fromText('abc'))).toThrow(AlignError);
    expect(() => chatIds(CharTokenizer.fromText('abc'))).toThrow(/<\|user\|>/);
  });
});

describe('scripted labeler', () => {
  it('sums AFINN-165 valences of the words; ranks best first, ties in order', () => {
    expect(sentimentScore('What a GREAT, happy day!')).toBe(6);
    expect(sentimentScore("It's bad.")).toBe(-3);
    expect(sentimentScore('constructor toString')).toBe(0); // no prototype keys
    expect(scriptedRanking(['meh', 'good', 'bad', 'great fun', 'so'])).toEqual([3, 1, 0, 4, 2]);
  });
});
