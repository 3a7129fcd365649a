// The alignment card's work, run in the worker: K samples per prompt from the trained model, and
// a reward model (InstructGPT §3.5) trained on the learner's rankings with the Bradley–Terry loss.
// All of it is glassgpt's public alignment API; the model on the page is never changed.

import { copyModel, generateBatch, rankingPairs, RewardModel, RewardTrainer, type GPT, type Tokenizer } from 'glassgpt';
import { chatAnswers } from './chat-work.js';
import type { Ranking, RewardReply } from './protocol.js';

/** K different samples per prompt: answers in the chat template once the model is instruction-
 *  tuned (`chat`), else continuations cut after their first sentence (the stop string '.'). Twice
 *  as many are drawn and repeats dropped: a learner cannot rank two equal texts. */
export async function writeSamples(model: GPT, tok: Tokenizer, prompts: string[], k: number, maxTokens: number, seed: number, chat: boolean): Promise<string[][]> {
  const drawn = chat ? await chatAnswers(model, tok, prompts, { samples: 2 * k, temperature: 1, seed, maxTokens })
    : (await generateBatch(model, tok, prompts, { numSamples: 2 * k, maxTokens, seed, temperature: 1, topP: 0.95, stop: ['.', '\n'], endTokens: null }))
      .map((samples) => samples.map((r) => (r.finishReason === 'stop' && r.stop === '.' ? `${r.text}.` : r.text)));
  return drawn.map((texts) => {
    const distinct = [...new Set(texts)];
    return [...distinct, ...texts].slice(0, k); // repeats only when the model cannot write k different ones
  });
}

/** A reward model — a copy of the GPT whose next-token head is replaced by one number read at the
 *  last token — trained on every pair of every ranking; rewards and pair accuracy before and after.
 *  The caller keeps the model (the policy card optimises against it) and frees it. */
export function trainReward(model: GPT, tok: Tokenizer, records: Ranking[], steps: number,
  onStep: (s: { step: number; loss: number; accuracy: number }) => void): { reply: RewardReply; rm: RewardModel } {
  const t0 = performance.now();
  const pairs = records.flatMap(rankingPairs);
  const items = records.flatMap((r) => r.responses.map((response) => ({ prompt: r.prompt, response })));
  const byRecord = (flat: number[]) => { let i = 0; return records.map((r) => r.responses.map(() => flat[i++])); };
  const rm = new RewardModel(copyModel(model), tok);
  const trainer = new RewardTrainer(rm, pairs, { steps, batchSize: 16, lr: 2e-3, seed: 5 });
  try {
    const before = byRecord(rm.score(items)), accuracyBefore = rm.pairAccuracy(pairs);
    for (let i = 0; i < steps; i++) onStep(trainer.trainStep());
    const after = byRecord(rm.score(items)), accuracyAfter = rm.pairAccuracy(pairs);
    return { reply: { before, after, accuracyBefore, accuracyAfter, pairs: pairs.length, ms: performance.now() - t0 }, rm };
  } catch (e) {
    rm.free();
    throw e;
  } finally {
    trainer.free();
  }
}
