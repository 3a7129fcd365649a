// The DPO trainer's first step against an independent computation: with a policy that differs
// from the reference, the step's loss (taken before the update) is dpoLoss of log-probabilities
// summed by sequenceLogprobs and token counts read off the chat template's mask, plus γ times the
// SFT loss of the ptx batch. One comparison and one ptx conversation make every draw the same.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { DPOTrainer, dpoLoss, DPO_VARIANTS } from '../../ts/align/dpo.js';
import { chatSequence, sequenceLogprobs } from '../../ts/align/logprobs.js';
import { sftLoss } from '../../ts/align/sft.js';
import type { Conversation } from '../../ts/align/sft-data.js';
import { charTok, tinyConfig } from './helpers.js';

const be = new JsBackend(), tok = charTok(), config = tinyConfig(tok.vocabSize, 40);
const pair = { prompt: 'How was it?', chosen: 'It was good.', rejected: 'It was bad.' }; // 13 and 12 tokens: IPO's averages differ from the sums
const conv: Conversation = [{ role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Hello.' }];

describe.each(DPO_VARIANTS)('DPO %s', (variant) => {
  it('first step: the loss of the independent computation, plus γ·SFT loss of the ptx batch', () => {
    const policy = new GPT(be, config, { seed: 1 }), reference = new GPT(be, config, { seed: 2 });
    const side = (text: string) => {
      const seq = chatSequence(tok, pair.prompt, text);
      return { logp: sequenceLogprobs(policy, tok, [seq])[0], ref: sequenceLogprobs(reference, tok, [seq])[0], tokens: Array.from(seq.train).reduce((a, b) => a + b, 0) };
    };
    const chosen = side(pair.chosen), rejected = side(pair.rejected);
    expect(chosen.tokens).toBe(pair.chosen.length + 1); // the characters and <|end|>
    const want = dpoLoss([{ chosen, rejected }], 0.7, variant);
    const ptxLoss = sftLoss(policy, tok, [conv]);

    const tr = new DPOTrainer(policy, reference, tok, [pair], { steps: 1, beta: 0.7, variant, batchSize: 2, ptx: { data: [conv], coef: 0.4, batchSize: 2 } });
    const s = tr.trainStep();
    expect(s.ptxLoss).toBeCloseTo(ptxLoss, 5);
    expect(s.loss).toBeCloseTo(want.loss + 0.4 * ptxLoss, 5);
    expect(s.chosenReward).toBeCloseTo(want.chosenReward, 5);
    expect(s.rejectedReward).toBeCloseTo(want.rejectedReward, 5);
    expect(s.margin).toBeCloseTo(chosen.logp - rejected.logp, 4);
    tr.free(); policy.free(); reference.free();
  });
});

it('DPO rejects an unknown variant', () => {
  const m = new GPT(be, config, { seed: 1 });
  expect(() => new DPOTrainer(m, m, tok, [pair], { steps: 1, variant: 'kto' as never })).toThrow(/variant must be one of sigmoid, ipo, got "kto"/);
  m.free();
});
