// The rollout phase PPO and GRPO share, against independent computations: each response's KL is
// Σ log π − Σ log π_ref as sequenceLogprobs sums them, its score is the reward minus the
// missing-end penalty when it never closed, and the reported statistics are the plain means and
// the repetition rate of the texts.
import { expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { collectExperience, experienceStats } from '../../ts/align/experience.js';
import { sequenceLogprobs } from '../../ts/align/logprobs.js';
import { repetitionRate } from '../../ts/align/repetition.js';
import { charTok, tinyConfig } from './helpers.js';

const be = new JsBackend(), tok = charTok(), config = tinyConfig(tok.vocabSize, 40);

it('collectExperience: KL per response, scores with the missing-end penalty, and the iteration statistics', async () => {
  const policy = new GPT(be, config, { seed: 1 }), reference = new GPT(be, config, { seed: 2 });
  const reward = (items: readonly { response: string }[]) => items.map((x) => x.response.length / 10);
  const e = await collectExperience({ policy, reference, reward, tokenizer: tok }, ['How was it?', 'Hi?'], 3, { iterations: 1, maxTokens: 5, missingEndPenalty: 2 }, 7, null);
  expect(e.rollouts).toHaveLength(6);
  const seqs = e.rollouts.map((r) => r.seq);
  const lp = sequenceLogprobs(policy, tok, seqs), lr = sequenceLogprobs(reference, tok, seqs);
  e.rollouts.forEach((r, i) => {
    expect(e.kl[i]).toBeCloseTo(lp[i] - lr[i], 4);
    expect(e.scores[i]).toBeCloseTo(r.text.length / 10 - (r.finished ? 0 : 2), 12);
    expect(e.logp[i]).toHaveLength(r.response.length);
  });
  expect(e.rollouts.some((r) => !r.finished)).toBe(true); // an untrained model rarely stops within 5 tokens
  const s = experienceStats(e, (_, r) => r.length);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(s.kl).toBeCloseTo(avg(lp.map((v, i) => v - lr[i])), 4);
  expect(s.reward).toBeCloseTo(avg(e.scores), 12);
  expect(s.judge).toBeCloseTo(avg(e.rollouts.map((r) => r.text.length)), 12);
  expect(s.repetition).toBe(repetitionRate(e.rollouts.map((r) => r.text)));
  expect(s.samples).toHaveLength(4);
  policy.free(); reference.free();
});
