// Answers in the page's chat template, run in the worker: each prompt becomes
// <|user|>prompt<|end|><|assistant|>, and the model writes until its <|end|>. The instruction-tuning,
// ranking and policy cards all ask the model this way, so their answers are comparable.

import { chatIds, decodeResponse, encodePrompt, generateBatch, type GPT, type Tokenizer } from 'glassgpt';

export interface AnswerOptions {
  samples?: number; // answers per prompt (default 1)
  temperature: number; // 0: greedy, the model's single likeliest answer
  seed: number;
  maxTokens?: number; // default 24
}

/** answers[p][k]: the k-th answer to prompts[p]. Role tokens are banned: an answer cannot open a new turn. */
export async function chatAnswers(model: GPT, tok: Tokenizer, prompts: readonly string[], o: AnswerOptions): Promise<string[][]> {
  const c = chatIds(tok);
  const out = await generateBatch(model, tok, prompts.map((p) => encodePrompt(tok, p)), {
    numSamples: o.samples ?? 1, maxTokens: o.maxTokens ?? 24, temperature: o.temperature, seed: o.seed,
    endTokens: [c.end], bannedTokens: [c.user, c.assistant],
  });
  return out.map((samples) => samples.map((s) => decodeResponse(tok, s.tokens)));
}
