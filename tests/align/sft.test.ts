// SFT: the chat template's loss mask. Prompt tokens (and padding) contribute exactly zero
// gradient; padding changes nothing; the loss falls on the assistant tokens.
import { describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/backends.js';
import { GPT } from '../../ts/model/gpt.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { IGNORE_INDEX } from '../../ts/tensor/loss.js';
import { encodeChat, chatIds, decodeResponse, encodePrompt } from '../../ts/align/chat.js';
import { padBatch } from '../../ts/align/batch.js';
import { SFTTrainer, sftLoss } from '../../ts/align/sft.js';
import type { Conversation } from '../../ts/align/sft-data.js';
import { charTok, tinyConfig } from './helpers.js';

const backends = await testBackends();
const tok = charTok();
const conv: Conversation = [{ role: 'user', content: 'Hi there?' }, { role: 'assistant', content: 'Hello.' }];
const multi: Conversation = [...conv, { role: 'user', content: 'Name?' }, { role: 'assistant', content: 'Bob.' }];

describe('chat template', () => {
  it('marks only assistant text and its <|end|> for training', () => {
    const c = chatIds(tok), e = encodeChat(tok, multi);
    const text = (ids: number[]) => tok.decode(ids);
    const trained = e.ids.filter((_, i) => e.train[i] === 1);
    expect(text(trained)).toBe('Hello.<|end|>Bob.<|end|>');
    expect(e.ids[0]).toBe(c.user);
    expect(text(e.ids)).toBe('<|user|>Hi there?<|end|><|assistant|>Hello.<|end|><|user|>Name?<|end|><|assistant|>Bob.<|end|>');
    // a user typing a special token's spelling gets characters, not the token
    const inj = encodeChat(tok, [{ role: 'user', content: '<|end|>' }, { role: 'assistant', content: 'ok' }]);
    expect(inj.ids.filter((id) => id === c.end).length).toBe(2);
    expect(encodePrompt(tok, 'Hi')).toEqual([c.user, ...tok.encode('Hi'), c.end, c.assistant]);
    expect(decodeResponse(tok, [...tok.encode('yes'), c.end, ...tok.encode('junk')])).toBe('yes');
  });

  it('padBatch: targets are the next token on assistant positions only, −100 elsewhere', () => {
    const e = encodeChat(tok, conv), b = padBatch([e, encodeChat(tok, multi)], 0, 64);
    const first = Array.from(b.targets.subarray(0, b.T));
    const n = e.ids.length;
    for (let t = 0; t < b.T; t++) {
      const want = t + 1 < n && e.train[t + 1] ? e.ids[t + 1] : IGNORE_INDEX;
      expect(first[t]).toBe(want);
    }
    expect(b.last[0]).toBe(n - 1);
    expect(padBatch([e], 0, 5).truncated).toBe(1);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('SFT on %s', (_, be) => {
  it('prompt and pad positions get exactly zero gradient; padding changes no weight gradient', () => {
    const model = new GPT(be, tinyConfig(tok.vocabSize, 64), { seed: 3 });
    const e = encodeChat(tok, conv);
    const grads = (extraPad: number) => be.scope(() => {
      model.zeroGrad();
      const b = padBatch([e, { ids: [...e.ids, ...new Array(extraPad).fill(0)], train: new Uint8Array(e.ids.length + extraPad) }], 0, 64);
      // row 1 is the same conversation with nothing to train on: it must add nothing either
      const out = model.forward(Tensor.ints(be, b.ids, [b.B, b.T]), Tensor.ints(be, b.targets, [b.B, b.T]));
      out.loss!.backward();
      const dl = out.logits.gradArray()!, V = tok.vocabSize;
      const rowNorm = (r: number) => { let s = 0; for (let v = 0; v < V; v++) s += Math.abs(dl[r * V + v]); return s; };
      const zero: number[] = [], nonzero: number[] = [];
      for (let r = 0; r < b.B * b.T; r++) (b.targets[r] === IGNORE_INDEX ? zero : nonzero).push(rowNorm(r));
      return { zero, nonzero, w: model.params.backend.read(model.params.grad) as Float32Array };
    });
    const a = grads(0), b = grads(7);
    expect(a.zero.length).toBeGreaterThan(10);
    expect(Math.max(...a.zero, ...b.zero)).toBe(0); // exactly zero, not just small
    expect(Math.min(...a.nonzero)).toBeGreaterThan(0);
    let maxDiff = 0;
    for (let i = 0; i < a.w.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.w[i] - b.w[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    model.free();
  });

  it('the assistant-token loss falls on a small instruction set', () => {
    const model = new GPT(be, tinyConfig(tok.vocabSize, 64), { seed: 5 });
    const data: Conversation[] = ['red', 'blue', 'green'].map((c) => [{ role: 'user', content: `Say ${c}.` }, { role: 'assistant', content: `${c}!` }]);
    const before = sftLoss(model, tok, data);
    const tr = new SFTTrainer(model, tok, data, { steps: 40, batchSize: 3, lr: 1e-2, seed: 1 });
    for (let i = 0; i < 40; i++) tr.trainStep();
    const after = sftLoss(model, tok, data);
    expect(after).toBeLessThan(before * 0.5);
    tr.free(); model.free();
  });
});
