// ts/inspect against hand-checkable facts: pieces rebuild the text, cosine matches a direct
// computation, attention rows are causal distributions equal to forward's att, next-token
// probabilities equal a softmax of forward's logits, and the logit lens's last reading is the
// model's own output. Run on every backend.
import { describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/backends.js';
import { GPT } from '../../ts/model/gpt.js';
import { trainBpe } from '../../ts/tokenizer/index.js';
import { noGrad } from '../../ts/tensor/tensor.js';
import { attentionMaps, attentionRow, logitLens, nearestTokens, nextTokens, tokenPieces, tokenSimilarity, traceGeneration, InspectError } from '../../ts/inspect/index.js';

const backends = await testBackends();
const config = { vocabSize: 23, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, bias: true, dropout: 0 };
const prompt = [3, 1, 4, 1, 5, 9, 2];

describe('tokenPieces', () => {
  const tok = trainBpe('the cat sat on the mat. the cat ate. <|endoftext|> the end', { vocabSize: 270 });
  it('cuts a text into pieces whose texts and ids rebuild it', () => {
    const text = 'the cat sat<|endoftext|>';
    const pieces = tokenPieces(tok, text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.map((p) => p.id)).toEqual(tok.encode(text, { allowedSpecial: 'all' }));
    expect(pieces.map((p) => p.index)).toEqual(pieces.map((_, i) => i));
    expect(pieces.at(-1)!.special).toBe(true);
    expect(pieces.some((p) => p.text === ' cat')).toBe(true); // a learned merge
  });
  it('rejects a non-string', () => {
    expect(() => tokenPieces(tok, 42 as unknown as string)).toThrow(/text must be a string, got number/);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('inspect on %s', (_name, be) => {
  const model = new GPT(be, config, { seed: 5 });

  it('embedding neighbours are the highest cosines, self excluded', () => {
    const w = be.read(model.p('wte.weight').data) as Float32Array;
    const C = config.nEmbd;
    const cos = (a: number, b: number) => {
      let d = 0, na = 0, nb = 0;
      for (let c = 0; c < C; c++) { d += w[a * C + c] * w[b * C + c]; na += w[a * C + c] ** 2; nb += w[b * C + c] ** 2; }
      return d / Math.sqrt(na * nb);
    };
    expect(tokenSimilarity(model, 2, 7)).toBeCloseTo(cos(2, 7), 12);
    expect(tokenSimilarity(model, 4, 4)).toBeCloseTo(1, 12);
    const nn = nearestTokens(model, 4, 5, [0]);
    expect(nn).toHaveLength(5);
    expect(nn.map((n) => n.id)).not.toContain(4);
    expect(nn.map((n) => n.id)).not.toContain(0);
    const brute = Array.from({ length: config.vocabSize }, (_, v) => v).filter((v) => v !== 4 && v !== 0)
      .sort((a, b) => cos(4, b) - cos(4, a)).slice(0, 5);
    expect(nn.map((n) => n.id)).toEqual(brute);
    expect(() => nearestTokens(model, 23)).toThrow(InspectError);
  });

  it('attention maps are forward\'s att: causal rows summing to one', () => {
    const maps = attentionMaps(model, prompt);
    expect([maps.nLayer, maps.nHead, maps.T]).toEqual([2, 2, prompt.length]);
    const direct = noGrad(() => be.scope(() => model.eval().forward([prompt]).att.map((a) => a.toArray())));
    model.train();
    for (let l = 0; l < 2; l++) {
      expect(Array.from(maps.weights[l][0])).toEqual(Array.from(direct[l].subarray(0, prompt.length ** 2)));
      for (let i = 0; i < prompt.length; i++) {
        const row = attentionRow(maps, l, 1, i);
        expect(row).toHaveLength(i + 1);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        const T = prompt.length; // nothing above the diagonal
        for (let j = i + 1; j < T; j++) expect(maps.weights[l][1][i * T + j]).toBe(0);
      }
    }
    expect(attentionRow(maps, 0, 0, 0)[0]).toBeCloseTo(1, 6); // the first token can only see itself
    expect(model.training).toBe(true); // inspection restores the mode
    expect(() => attentionMaps(model, [])).toThrow(/non-empty/);
    expect(() => attentionMaps(model, [1, 99])).toThrow(/ids\[1\] = 99/);
  });

  it('next-token distributions are the softmax of the logits, sorted, with the actual next token', () => {
    const dist = nextTokens(model, prompt, 4);
    expect(dist).toHaveLength(prompt.length);
    const logits = noGrad(() => be.scope(() => model.eval().forward([prompt]).logits.toArray()));
    model.train();
    const V = config.vocabSize;
    for (const d of dist) {
      const row = Array.from(logits.subarray(d.position * V, (d.position + 1) * V));
      const m = Math.max(...row), z = row.reduce((s, l) => s + Math.exp(l - m), 0);
      const p = row.map((l) => Math.exp(l - m) / z);
      const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b).slice(0, 4);
      expect(d.top.map((t) => t.id)).toEqual(order);
      d.top.forEach((t) => expect(t.prob).toBeCloseTo(p[t.id], 12));
      expect(d.id).toBe(prompt[d.position]);
      if (d.position < prompt.length - 1) expect(d.actual).toEqual({ id: prompt[d.position + 1], prob: expect.closeTo(p[prompt[d.position + 1]], 12) });
      else expect(d.actual).toBeNull();
      expect(d.entropy).toBeGreaterThan(0);
      expect(d.entropy).toBeLessThanOrEqual(Math.log(V) + 1e-9);
    }
    expect(() => nextTokens(model, prompt, 0)).toThrow(/topN must be/);
  });

  it('the logit lens reads every layer, and its last reading is the model\'s output', () => {
    const lens = logitLens(model, prompt, 3);
    expect(lens.map((l) => l.layer)).toEqual([0, 1, 2]);
    const out = nextTokens(model, prompt, 3);
    expect(lens[2].positions).toEqual(out); // same kernels, same bits
    expect(lens[0].positions).not.toEqual(out); // the embeddings alone predict something else
  });
});

describe('traceGeneration', () => {
  const tok = trainBpe('abc abd abe. abc abd. '.repeat(20), { vocabSize: 262, specialTokens: [] });
  it('records each step: the model\'s distribution, the kept set and the choice, with texts', async () => {
    const be = backends[0];
    const model = new GPT(be, { ...config, vocabSize: tok.vocabSize, blockSize: 16 }, { seed: 3 });
    const { result, steps } = await traceGeneration(model, tok, 'abc', { maxTokens: 6, topK: 3, temperature: 0.8, seed: 11, traceTop: 5 });
    expect(steps).toHaveLength(result.tokens.length);
    steps.forEach((s, i) => {
      expect(s.step).toBe(i);
      expect(s.chosen.id).toBe(result.tokens[i]);
      expect(s.chosen.text).toBe(tok.decode([result.tokens[i]]));
      expect(s.keptCount).toBe(3); // top-k 3 leaves exactly three
      expect(s.kept.map((k) => k.id)).toContain(s.chosen.id);
      expect(s.top).toHaveLength(5);
      expect(s.kept.reduce((a, k) => a + k.prob, 0)).toBeCloseTo(1, 9);
      expect(s.top[0].prob).toBeGreaterThanOrEqual(s.top[4].prob);
      const inTop = s.top.find((t) => t.id === s.chosen.id); // the model's own probability of the choice
      if (inTop) expect(s.chosen.logprob).toBeCloseTo(Math.log(inTop.prob), 9);
    });
    await expect(traceGeneration(model, tok, 'abc', { onStep: () => {} } as never)).rejects.toThrow(/onStep is its own/);
  });
});
