// Dropout is for training only: with dropout 0.5 and the model in train mode, generation,
// inspection, the reward model's scores and RLHF's re-scoring give the same numbers twice (each
// runs through inference(): eval mode, no graph) and leave the model in the mode it was in —
// also when the work throws.
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../ts/backend/index.js';
import { sequenceLogprobs, chatSequence } from '../../ts/align/logprobs.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { generate } from '../../ts/generate/generate.js';
import { nextTokens } from '../../ts/inspect/distribution.js';
import { GPT } from '../../ts/model/gpt.js';
import { inference } from '../../ts/model/inference.js';
import { isGradEnabled } from '../../ts/tensor/tensor.js';
import { charTok, tinyConfig } from '../align/helpers.js';

const be = await createBackend('wasm');
const tok = charTok();
const dropoutModel = () => new GPT(be, { ...tinyConfig(tok.vocabSize, 40), dropout: 0.5 }, { seed: 3 }).train();

describe('inference at dropout 0.5', () => {
  it('generation is the same twice and leaves train mode on', async () => {
    const m = dropoutModel();
    const a = await generate(m, tok, 'It was', { maxTokens: 12, temperature: 1, seed: 4 });
    const b = await generate(m, tok, 'It was', { maxTokens: 12, temperature: 1, seed: 4 });
    expect(b.tokens).toEqual(a.tokens);
    expect(m.training).toBe(true);
  });

  it('inspection, the reward model and sequence log-probabilities are the same twice', () => {
    const m = dropoutModel();
    const ids = tok.encode('It was good.');
    expect(nextTokens(m, ids, 5)).toEqual(nextTokens(m, ids, 5));
    const seq = [chatSequence(tok, 'How was it?', 'It was good.')];
    expect(sequenceLogprobs(m, tok, seq)).toEqual(sequenceLogprobs(m, tok, seq));
    const rm = new RewardModel(m, tok);
    const items = [{ prompt: 'How was it?', response: 'It was good.' }];
    expect(rm.score(items)).toEqual(rm.score(items));
    expect(m.training).toBe(true); // score() used to leave the model in eval mode
  });

  it('restores the mode and autograd when the work throws', () => {
    const m = dropoutModel();
    expect(() => inference(m, () => { expect(m.training).toBe(false); expect(isGradEnabled()).toBe(false); throw new Error('boom'); })).toThrow('boom');
    expect(m.training).toBe(true);
    expect(isGradEnabled()).toBe(true);
    m.eval();
    inference(m, () => 0);
    expect(m.training).toBe(false);
  });
});
