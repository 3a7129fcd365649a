// PPO-ptx: the ptx loss is the mean next-token cross-entropy of its batch (checked against sftLoss
// for conversations and against log-softmax by hand for plain text), and a policy update with ptx
// has exactly the gradient of the policy loss plus γ times the gradient of the ptx loss.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { Rng } from '../../ts/tensor/random.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { AdamW } from '../../ts/train/adamw.js';
import { copyModel } from '../../ts/align/model-copy.js';
import { sftLoss } from '../../ts/align/sft.js';
import { PtxLoss } from '../../ts/align/ptx.js';
import { policyLoss } from '../../ts/align/ppo-loss.js';
import { updatePolicy } from '../../ts/align/policy-update.js';
import { tokenLogprobTensor } from '../../ts/align/logprobs.js';
import { sampleRollouts, tokenStats } from '../../ts/align/rollout.js';
import { chatIds } from '../../ts/align/chat.js';
import type { Conversation } from '../../ts/align/sft-data.js';
import { charTok, tinyConfig } from './helpers.js';

const be = new JsBackend(), tok = charTok();
const conv: Conversation = [{ role: 'user', content: 'How was it?' }, { role: 'assistant', content: 'It was good.' }];
const model = () => new GPT(be, tinyConfig(tok.vocabSize, 40), { seed: 3 });

describe('ptx loss', () => {
  it('on conversations: the SFT loss of the drawn batch', () => {
    const m = model();
    const ptx = new PtxLoss(tok, 40, { data: [conv], coef: 1, batchSize: 3 }); // one example: every draw is it
    const got = be.scope(() => ptx.loss(m, new Rng(1)).item());
    expect(got).toBeCloseTo(sftLoss(m, tok, [conv]), 5);
  });

  it('on plain text: −mean log softmax(logits_t)[x_{t+1}] over every token, by hand', () => {
    const m = model(), text = 'It was good.', ids = tok.encode(text);
    const got = be.scope(() => new PtxLoss(tok, 40, { data: [text], coef: 1, batchSize: 2 }).loss(m, new Rng(1)).item());
    const logits = be.scope(() => m.forward(Tensor.ints(be, ids, [1, ids.length])).logits.toArray()), V = tok.vocabSize;
    let nll = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      const row = Array.from(logits.slice(t * V, (t + 1) * V)), max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      nll += lse - row[ids[t + 1]];
    }
    expect(got).toBeCloseTo(nll / (ids.length - 1), 5);
  });

  it('rejects a negative γ, an empty set, and data the block cuts off', () => {
    expect(() => new PtxLoss(tok, 40, { data: [conv], coef: -1 })).toThrow(/coef must be/);
    expect(() => new PtxLoss(tok, 40, { data: [], coef: 1 })).toThrow(/no data/);
    expect(() => new PtxLoss(tok, 8, { data: [conv], coef: 1 })).toThrow(/block of 8 tokens/);
  });
});

describe('a policy update with ptx', () => {
  it('has the gradient ∇policy loss + γ∇ptx loss', async () => {
    const policy = model(), before = copyModel(policy), gamma = 0.7;
    const rollouts = await sampleRollouts(policy, tok, ['How was it?', 'Was it nice?'], 2, { maxTokens: 6, seed: 4 });
    const old = tokenStats(policy, tok, rollouts, null).logp;
    const adv = old.map((lp, i) => new Float64Array(lp.length).fill(i % 2 ? 1 : -0.5));
    const ptx = new PtxLoss(tok, 40, { data: [conv], coef: gamma, batchSize: 2 });
    const opt = new AdamW(policy.params);
    updatePolicy(policy, [opt], tok, rollouts, new Rng(9), { epochs: 1, minibatchSize: rollouts.length, lr: 1e-3, gradClip: 0, step: 1, ptx },
      (m) => ({ loss: policyLoss(m.out.logp, { rows: m.rows, old: m.tokens(old), target: m.tokens(adv) }, 0.2).loss, stats: {} }));
    const total = Array.from(be.read(policy.params.grad)); // the step's gradient, at the weights before it

    const gradOf = (loss: () => Tensor) => {
      before.params.zeroGrad();
      be.scope(() => loss().backward());
      return Array.from(be.read(before.params.grad));
    };
    before.train();
    const gPolicy = gradOf(() => {
      const out = tokenLogprobTensor(before, rollouts.map((r) => r.seq), chatIds(tok).end), T = out.batch.T;
      const rows = rollouts.flatMap((r, b) => r.positions.map((t) => b * T + t));
      return policyLoss(out.logp, { rows, old: Float64Array.from(old.flatMap((x) => Array.from(x))), target: Float64Array.from(adv.flatMap((x) => Array.from(x))) }, 0.2).loss;
    });
    const gPtx = gradOf(() => ptx.loss(before, new Rng(0)));
    const scaleOf = Math.max(...gPtx.map(Math.abs));
    expect(scaleOf).toBeGreaterThan(1e-3); // the ptx gradient is not negligible here
    let worst = 0;
    total.forEach((g, i) => { worst = Math.max(worst, Math.abs(g - (gPolicy[i] + gamma * gPtx[i]))); });
    expect(worst).toBeLessThan(1e-5 * Math.max(1, scaleOf));
    opt.free(); policy.free(); before.free();
  });
});
