// The instruction-tuning card's work, run in the worker: each pair in the chat template with its
// loss mask (only the assistant's tokens are targets), and SFT of the page's model on the pairs
// (glassgpt's SFTTrainer), with the same prompts answered greedily before and after.

import { encodeChat, SFTTrainer, type GPT, type Tokenizer } from 'glassgpt';
import { chatAnswers } from './chat-work.js';
import type { Pair, SftPreview, SftReply } from './protocol.js';

const conversation = (p: Pair) => [{ role: 'user' as const, content: p.prompt }, { role: 'assistant' as const, content: p.response }];

/** Each pair as the model reads it: its tokens, and which of them the loss is taken on. */
export function sftPreview(tok: Tokenizer, pairs: readonly Pair[]): SftPreview[] {
  return pairs.map((p) => {
    const { ids, train } = encodeChat(tok, conversation(p));
    return { pieces: ids.map((id) => ({ id, text: tok.decode([id]), special: [...tok.specialTokens.values()].includes(id) })), train: Array.from(train) };
  });
}

/** Tunes `model` in place; `track` registers the running trainer so a Stop request reaches it. */
export async function runSft(model: GPT, tok: Tokenizer, pairs: readonly Pair[], steps: number, lr: number,
  onStep: (step: number, loss: number) => void, track: (t: SFTTrainer | null) => void): Promise<SftReply> {
  const prompts = pairs.map((p) => p.prompt);
  const answer = async () => (await chatAnswers(model, tok, prompts, { temperature: 0, seed: 1 })).map((a) => a[0]);
  const before = await answer();
  const t0 = performance.now(); // the training alone is timed
  const trainer = new SFTTrainer(model, tok, pairs.map(conversation), { steps, batchSize: 8, lr, seed: 3 });
  track(trainer);
  let done = 0, ms = 0;
  try {
    for await (const ev of trainer.run()) if (ev.type === 'step') { done = ev.step; onStep(ev.step, ev.loss); }
    ms = performance.now() - t0;
  } finally {
    track(null);
    trainer.free();
  }
  return { before, after: await answer(), steps: done, ms, skipped: trainer.skipped };
}
