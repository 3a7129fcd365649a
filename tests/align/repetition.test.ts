// The repetition and diversity measures on hand-made responses, counted by hand.
import { describe, expect, it } from 'vitest';
import { bigrams, distinct2, diversity, isRepetitive, repetitionRate, words } from '../../ts/align/repetition.js';

describe('repetition', () => {
  it('splits words as the labeler does, keeping digits and apostrophes', () => {
    expect(words("The match was was R party, wasn't it? 2 2")).toEqual(['the', 'match', 'was', 'was', 'r', 'party', "wasn't", 'it', '2', '2']);
    expect(words('...')).toEqual([]);
    expect(bigrams(['a', 'b', 'a', 'b'])).toEqual(['a b', 'b a', 'a b']);
    expect(bigrams(['a'])).toEqual([]);
  });

  it('flags a doubled word and a reused bigram, nothing else', () => {
    expect(isRepetitive('The lunch was was wonderful.')).toBe(true); // doubled word
    expect(isRepetitive('The Lunch the lunch.')).toBe(true); // "the lunch" twice (case folded)
    expect(isRepetitive('the play was sad and the play was long')).toBe(true); // bigrams reused, no doubled word
    expect(isRepetitive('The play was sad, the end.')).toBe(false); // "the" twice, no bigram twice
    expect(isRepetitive('The weekend wasiteThe weekend was good.')).toBe(false); // "the weekend" once: "wasitethe weekend"
    expect(isRepetitive('')).toBe(false);
    expect(isRepetitive('wonderful')).toBe(false);
  });

  it('rates and distinct-2 over a set', () => {
    const texts = ['The play was was sad.', 'The play was fun.', 'The play was fun.', 'Good.'];
    expect(repetitionRate(texts)).toBe(0.25);
    // bigrams: [the play, play was, was was, was sad] + [the play, play was, was fun] × 2 + none
    // = 10 in all; distinct: the play, play was, was was, was sad, was fun = 5
    expect(distinct2(texts)).toBe(0.5);
    expect(diversity(texts)).toEqual({ repetition: 0.25, distinct2: 0.5 });
    expect(repetitionRate([])).toBe(0);
    expect(distinct2(['Good.', ''])).toBe(1); // no bigram at all: nothing repeated
  });
});
