// Measurements of the alignment example: exact-match answers on instructions (greedy decoding),
// and for a policy on held-out sentiment prompts the scripted labeler's mean score, the reward
// model's mean score, the KL to the reference, KL = mean over samples of Σ_t log π − log π_ref,
// and how repetitive and diverse the samples are (ts/align/repetition.ts).

import { generateBatch } from '../../ts/generate/generate.js';
import type { GPT } from '../../ts/model/gpt.js';
import type { Tokenizer } from '../../ts/tokenizer/types.js';
import { chatIds, decodeResponse, encodePrompt } from '../../ts/align/chat.js';
import { sentimentScore } from '../../ts/align/labeler.js';
import { sequenceLogprobs } from '../../ts/align/logprobs.js';
import type { RewardModel } from '../../ts/align/reward-model.js';
import { diversity } from '../../ts/align/repetition.js';
import { sampleRollouts } from '../../ts/align/rollout.js';
import type { Instruction } from './data.js';

/** Greedy answers; a response counts when it equals the expected text exactly (it must also
 *  stop: <|end|> right after it). `prefix` counts responses that merely start with it. */
export async function exactMatch(model: GPT, tok: Tokenizer, items: readonly Instruction[]): Promise<{ rate: number; prefix: number; examples: { prompt: string; got: string; want: string }[] }> {
  const res = await generateBatch(model, tok, items.map((i) => encodePrompt(tok, i.prompt)), {
    temperature: 0, maxTokens: 24, endTokens: [chatIds(tok).end], cache: false, seed: 0,
  });
  const got = res.map((r) => decodeResponse(tok, r[0].tokens).trim());
  const hits = got.filter((g, i) => g === items[i].response).length;
  const prefix = got.filter((g, i) => g.startsWith(items[i].response)).length;
  return { rate: hits / items.length, prefix: prefix / items.length, examples: items.slice(0, 4).map((it, i) => ({ prompt: it.prompt, got: got[i], want: it.response })) };
}

export interface PolicyEval {
  labeler: number; // mean AFINN score of the samples
  reward: number; // mean reward-model score
  kl: number; // mean Σ_t (log π − log π_ref) per sample
  repetition: number; // fraction of samples with a doubled word or a reused word bigram
  distinct2: number; // distinct word bigrams / all word bigrams of the samples
  samples: string[];
}

export async function evalPolicy(policy: GPT, reference: GPT, rm: RewardModel, tok: Tokenizer, prompts: readonly string[], K = 16, seed = 4242): Promise<PolicyEval> {
  const ro = await sampleRollouts(policy, tok, prompts, K, { maxTokens: 16, seed });
  const seqs = ro.map((r) => r.seq);
  const lp = sequenceLogprobs(policy, tok, seqs), lr = sequenceLogprobs(reference, tok, seqs);
  const rewards = rm.score(ro.map((r) => ({ prompt: r.prompt, response: r.text })));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    labeler: mean(ro.map((r) => sentimentScore(r.text))), reward: mean(rewards), kl: mean(lp.map((v, i) => v - lr[i])),
    ...diversity(ro.map((r) => r.text)),
    samples: ro.filter((_, i) => i % K === 0).map((r) => `${r.prompt} → ${r.text}`),
  };
}

