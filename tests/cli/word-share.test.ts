// The demo's "reads as English" measure: what counts as a word, which last word is left out as
// cut off, and the share itself, on texts small enough to count by hand.
import { describe, expect, it } from 'vitest';
import { completeWords, vocabulary, wordShare, words } from '../../ts/cli/word-share.js';

describe('word share', () => {
  it('words are lowercased runs of letters and apostrophes, without apostrophes at the ends', () => {
    expect(words("The jury's well-known 'verdict' (1961): don't GO!")).toEqual(["the", "jury's", 'well', 'known', 'verdict', "don't", 'go']);
    expect(words("'' 42 -- ''")).toEqual([]);
    expect(words('Ørsted café')).toEqual(['ørsted', 'café']);
  });

  it('leaves out a last word the token limit cut off, keeps one that was finished', () => {
    expect(completeWords('the jury sai')).toEqual(['the', 'jury']);
    expect(completeWords('the jury said ')).toEqual(['the', 'jury', 'said']);
    expect(completeWords('the jury said.')).toEqual(['the', 'jury', 'said']);
    expect(completeWords('the jury sai', true)).toEqual(['the', 'jury', 'sai']);
  });

  it('counts every occurrence against the vocabulary of a text', () => {
    const vocab = vocabulary('The jury said, "It is done." The jury left.');
    expect([...vocab].sort()).toEqual(['done', 'is', 'it', 'jury', 'left', 'said', 'the']);
    // the, jury, the, jury known; carmoutes, antor unknown; "sai" cut off and left out
    const ws = wordShare(['The carmoutes jury ', 'antor the JURY sai'], vocab);
    expect(ws).toEqual({ known: 4, total: 6, share: 4 / 6 });
    expect(wordShare(['', '123 '], vocab).share).toBeNaN();
  });
});
