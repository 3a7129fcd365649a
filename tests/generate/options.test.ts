// Bad options give clear Errors that name the option and the value.

import { describe, expect, it } from 'vitest';
import { GenerateOptionsError } from '../../ts/generate/errors.js';
import { resolveOptions, type GenerateOptions } from '../../ts/generate/options.js';

const resolve = (o: GenerateOptions) => resolveOptions(o, 10, 16, 9);

describe('option validation', () => {
  it.each([
    [{ topP: 0 }, /topP must be in \(0, 1\], got 0/],
    [{ topP: 1.5 }, /topP must be in \(0, 1\], got 1.5/],
    [{ topP: NaN }, /topP .* got NaN/],
    [{ temperature: -0.5 }, /temperature must be a finite number ≥ 0 .* got -0.5/],
    [{ temperature: Infinity }, /temperature/],
    [{ topK: 2.5 }, /topK must be a whole number/],
    [{ minP: 2 }, /minP must be in \[0, 1\], got 2/],
    [{ repetitionPenalty: 0 }, /repetitionPenalty must be a finite number > 0/],
    [{ logitBias: { 12: 1 } }, /logitBias key must be a token id in \[0, 10\), got 12/],
    [{ logitBias: new Map([[-1, 1]]) }, /logitBias key .* got -1/],
    [{ logitBias: { 3: NaN } }, /logitBias\[3\] must be a finite number/],
    [{ bannedTokens: [1, 10] }, /bannedTokens entry must be a token id in \[0, 10\), got 10/],
    [{ bannedTokens: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }, /bans all 10 tokens/],
    [{ endTokens: 99 }, /endTokens entry .* got 99/],
    [{ stop: '' }, /stop must be a non-empty string/],
    [{ maxTokens: -1 }, /maxTokens must be a whole number ≥ 0, got -1/],
    [{ seed: 1.5 }, /seed must be a whole number/],
    [{ contextKeep: 17 }, /contextKeep must be a whole number in \[1, 16\]/],
    [{ top_p: 0.9 } as GenerateOptions, /unknown option "top_p"/],
  ])('%j', (opts, message) => {
    expect(() => resolve(opts)).toThrow(GenerateOptionsError);
    expect(() => resolve(opts)).toThrow(message);
  });

  it('fills defaults: temperature 1, the tokenizer end token, 256 tokens, a random seed', () => {
    const o = resolve({});
    expect(o.sampling.temperature).toBe(1);
    expect([...o.endTokens]).toEqual([9]);
    expect(o.maxTokens).toBe(256);
    expect(o.contextKeep).toBe(12);
    expect(Number.isInteger(o.seed)).toBe(true);
    expect(o.processors).toEqual([]);
    expect([...resolve({ endTokens: null }).endTokens]).toEqual([]);
  });

  it('builds the processor chain in HF order, leaving out what does nothing', () => {
    const o = resolve({ temperature: 0.7, topK: 5, topP: 0.9, minP: 0.05, repetitionPenalty: 1.2, presencePenalty: 0.5, logitBias: { 1: 2 }, bannedTokens: [3] });
    expect(o.processors.map((p) => p.name)).toEqual(['repetitionPenalty', 'frequencyPresencePenalty', 'logitBias', 'bannedTokens', 'temperature', 'topK', 'topP', 'minP']);
    expect(resolve({ temperature: 0, topK: 5 }).processors.map((p) => p.name)).toEqual([]);
  });
});
