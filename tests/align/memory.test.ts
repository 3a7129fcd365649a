// Nothing an RLHF iteration allocates outlives it (DESIGN "Memory"): on the js backend, whose
// heapBytes are the live bytes, the heap after the first iteration equals the heap after more.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { copyModel } from '../../ts/align/model-copy.js';
import { PPOTrainer } from '../../ts/align/ppo.js';
import { GRPOTrainer } from '../../ts/align/grpo.js';
import { DPOTrainer } from '../../ts/align/dpo.js';
import { sentimentScore } from '../../ts/align/labeler.js';
import { PROMPTS, tok } from './world.js';
import { tinyConfig } from './helpers.js';

describe('alignment memory', () => {
  it('PPO, GRPO and DPO steps do not grow the heap', async () => {
    const be = new JsBackend();
    const policy = new GPT(be, tinyConfig(tok.vocabSize, 32), { seed: 1 }), ref = copyModel(policy);
    const reward = (items: readonly { response: string }[]) => items.map((i) => sentimentScore(i.response)); // a plain RewardFn
    const ppo = new PPOTrainer(policy, ref, reward, tok, PROMPTS, { iterations: 3, promptsPerIteration: 2, maxTokens: 6, epochs: 2, seed: 1 });
    const grpo = new GRPOTrainer(policy, ref, reward, tok, PROMPTS, { iterations: 3, promptsPerIteration: 1, groupSize: 3, maxTokens: 6, seed: 1 });
    const dpo = new DPOTrainer(policy, ref, tok, [{ prompt: 'How was it?', chosen: 'good', rejected: 'bad' }], { steps: 3, batchSize: 2 });
    await ppo.iterate(); await grpo.iterate(); dpo.trainStep();
    const heap = be.heapBytes();
    for (let i = 0; i < 2; i++) { await ppo.iterate(); await grpo.iterate(); dpo.trainStep(); }
    expect(be.heapBytes()).toBe(heap);
    ppo.free(); grpo.free(); dpo.free(); policy.free(); ref.free();
  });
});
