// Every trainer shares one surface (train/loop.ts): run() as an async iterable that stop() and an
// AbortSignal end, and saveState()/loadState() that resume bit for bit — AdamW's moments, the
// step, the sampler's RNG, the dropout counter (dropout is on here), PPO's KL coefficient. Each
// trainer runs 4 steps straight through, and again as 2 steps, a save, a fresh trainer on copies
// of the saved weights, 2 more: the weights must be equal to the bit.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../ts/backend/backend.js';
import { createBackend } from '../../ts/backend/index.js';
import { DPOTrainer } from '../../ts/align/dpo.js';
import { GRPOTrainer } from '../../ts/align/grpo.js';
import { PPOTrainer } from '../../ts/align/ppo.js';
import type { RewardFn } from '../../ts/align/reward-fn.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { RewardTrainer } from '../../ts/align/reward-trainer.js';
import { SFTTrainer } from '../../ts/align/sft.js';
import { GPT } from '../../ts/model/gpt.js';
import type { ParameterStore } from '../../ts/tensor/params.js';
import type { TrainLoop } from '../../ts/train/loop.js';
import { MemoryTokens } from '../../ts/train/data.js';
import { Trainer } from '../../ts/train/trainer.js';
import { tinyConfig } from './helpers.js';
import { PROMPTS, sftData, tok } from './world.js';

const be: Backend = await createBackend('wasm');
const config = { ...tinyConfig(tok.vocabSize, 40), dropout: 0.1 };
const pairs = PROMPTS.flatMap((prompt) => [{ prompt, chosen: 'It was good.', rejected: 'It was bad.' }, { prompt, chosen: 'It was great.', rejected: 'It was sad.' }]);
const score: RewardFn = (items) => items.map(({ response }) => (/good|great|nice/.test(response) ? 1 : 0));
/** The frozen reference of DPO, PPO and GRPO: the policy as it started, in every run. */
const reference = () => new GPT(be, config, { seed: 5 });

/** A trainer over the models it owns (policy first), so a test can copy and compare them. */
interface Setup { trainer: TrainLoop<{ step: number }, unknown, unknown>; stores: ParameterStore[] }
type Make = (policy: GPT) => Setup;

const KINDS: Record<string, Make> = {
  pretrain: (m) => ({ trainer: new Trainer(m, { train: new MemoryTokens(Int32Array.from(tok.encode('It was good. It was bad. '.repeat(20)))), steps: 4, batchSize: 3, blockSize: 16, evalInterval: 100 }), stores: [m.params] }),
  sft: (m) => ({ trainer: new SFTTrainer(m, tok, sftData(), { steps: 4, batchSize: 4, lr: 1e-2 }), stores: [m.params] }),
  reward: (m) => { const rm = new RewardModel(m, tok); return { trainer: new RewardTrainer(rm, pairs, { steps: 4, batchSize: 4 }), stores: [m.params, rm.head.params] }; },
  dpo: (m) => ({ trainer: new DPOTrainer(m, reference(), tok, pairs, { steps: 4, batchSize: 4 }), stores: [m.params] }),
  ppo: (m) => { const t = new PPOTrainer(m, reference(), score, tok, PROMPTS, { iterations: 4, promptsPerIteration: 2, maxTokens: 6, epochs: 2, klTarget: 1 }); return { trainer: t, stores: [m.params, t.valueHead.params] }; },
  grpo: (m) => ({ trainer: new GRPOTrainer(m, reference(), score, tok, PROMPTS, { iterations: 4, promptsPerIteration: 2, groupSize: 2, maxTokens: 6, klTarget: 1, ptx: { data: sftData().slice(0, 6), coef: 0.5, batchSize: 2 } }), stores: [m.params] }),
};

const read = (stores: ParameterStore[]) => stores.map((s) => Float32Array.from(be.read(s.data)));
async function steps(t: TrainLoop<{ step: number }, unknown, unknown>, until: number): Promise<void> {
  for await (const ev of t.run({ until })) void ev;
}

describe.each(Object.keys(KINDS))('%s', (kind) => {
  it('resumes from saveState to the same bits, with dropout on', async () => {
    const straight = KINDS[kind](new GPT(be, config, { seed: 5 }));
    await steps(straight.trainer, 4);
    expect(straight.trainer.step).toBe(4);

    const first = KINDS[kind](new GPT(be, config, { seed: 5 }));
    await steps(first.trainer, 2);
    const state = first.trainer.saveState(), weights = read(first.stores);
    const second = KINDS[kind](new GPT(be, config, { seed: 99 })); // other weights: all must come from the save
    second.stores.forEach((s, i) => be.write(s.data, weights[i]));
    second.trainer.loadState(state);
    expect(second.trainer.step).toBe(2);
    await steps(second.trainer, 4);
    expect(read(second.stores)).toEqual(read(straight.stores));
    expect(read(straight.stores)).not.toEqual(weights); // the last two steps changed something
  }, 60_000);

  it('run() stops on stop() and on an aborted signal, saying so', async () => {
    const { trainer } = KINDS[kind](new GPT(be, config, { seed: 5 }));
    const events: string[] = [];
    for await (const ev of trainer.run()) { events.push(ev.type); if (ev.type === 'step') trainer.stop(); }
    expect(events).toEqual(['step', 'done']);
    const ac = new AbortController();
    ac.abort();
    const last: unknown[] = [];
    for await (const ev of trainer.run({ signal: ac.signal })) last.push(ev);
    expect(last).toMatchObject([{ type: 'done', step: 1, stopped: true }]);
  }, 60_000);
});

