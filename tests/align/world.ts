// A tiny sentiment world for the RL tests: a few prompts, responses made of one adjective that
// the scripted labeler scores (good/great = positive, bad/awful = negative, fine = +2, so/ok = 0),
// an SFT model that answers with an even mix, and a reward model learned from labeler rankings.
import type { Backend } from '../../ts/backend/backend.js';
import { GPT } from '../../ts/model/gpt.js';
import { SFTTrainer } from '../../ts/align/sft.js';
import type { Conversation } from '../../ts/align/sft-data.js';
import { charTok, tinyConfig } from './helpers.js';

export const PROMPTS = ['How was it?', 'How is it?', 'Was it nice?', 'Tell me.'];
export const WORDS = ['good', 'great', 'bad', 'awful', 'so so', 'nice', 'sad'];
export const tok = charTok();

export function sftData(): Conversation[] {
  return PROMPTS.flatMap((p) => WORDS.map((w): Conversation => [{ role: 'user', content: p }, { role: 'assistant', content: `It was ${w}.` }]));
}

/** A tiny GPT instruction-tuned on sftData (deterministic for a backend). */
export function sftModel(be: Backend, steps = 120): GPT {
  const model = new GPT(be, { ...tinyConfig(tok.vocabSize, 40), nEmbd: 32 }, { seed: 11 });
  const tr = new SFTTrainer(model, tok, sftData(), { steps, batchSize: 16, lr: 1e-2, seed: 2 });
  for (let i = 0; i < steps; i++) tr.trainStep();
  tr.free();
  return model;
}
