// The GPT held to PyTorch (llm.c's test_gpt2 idea): load the weights tests/reference/gpt.py
// wrote, run forward and backward, and compare logits, loss and every parameter gradient; then
// the losses of a few plain SGD steps.

import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../ts/model/index.js';
import { testBackends } from '../helpers/backends.js';
import { FIXTURES, compare, fixture, rows } from '../helpers/fixtures.js';

const backends = await testBackends();

describe.each(backends.map((b) => [b.name, b] as const))('GPT vs PyTorch on %s', (_name, be) => {
  it.each(FIXTURES)('%s: logits, loss and every gradient', (name) => {
    const { weights, expected } = fixture(name);
    const { model } = loadCheckpoint(be, weights);
    be.scope(() => {
      model.zeroGrad();
      const { logits, loss } = model.forward(rows(expected.get('ids')!), rows(expected.get('targets')!));
      const V = model.config.vocabSize;
      expect(logits.shape).toEqual([...expected.get('ids')!.shape, V]);
      // logits and loss: 1e-5 relative or 1e-6 absolute
      const lg = compare(logits.toArray(), expected.get('logits')!.data, 1e-5, 1e-6);
      const ls = compare([loss!.item()], expected.get('loss')!.data, 1e-5, 1e-6);
      expect(lg.worst, `logits max |Δ| ${lg.maxAbs}`).toBeLessThanOrEqual(1);
      expect(ls.worst, `loss |Δ| ${ls.maxAbs}`).toBeLessThanOrEqual(1);
      loss!.backward();
      let worstGrad = 0, worstName = '';
      for (const [pname, p] of model.namedParameters()) {
        const ref = expected.get(`grad.${pname}`);
        expect(ref, `fixture has grad.${pname}`).toBeDefined();
        // gradients: within 1e-4 (absolute, or relative for entries larger than 1)
        const g = compare(p.gradArray()!, ref!.data, 1e-4, 1e-4);
        expect(g.worst, `${pname} max |Δ| ${g.maxAbs}`).toBeLessThanOrEqual(1);
        if (g.maxAbs > worstGrad) { worstGrad = g.maxAbs; worstName = pname; }
      }
      console.log(`${be.name} ${name}: logits max|Δ| ${lg.maxAbs.toExponential(2)}, loss |Δ| ${ls.maxAbs.toExponential(2)}, grad max|Δ| ${worstGrad.toExponential(2)} (${worstName})`);
    });
    model.free();
  });

  it.each(FIXTURES)('%s: the losses of plain SGD steps follow PyTorch', (name) => {
    const { weights, expected } = fixture(name);
    const { model } = loadCheckpoint(be, weights);
    const ids = rows(expected.get('ids')!), targets = rows(expected.get('targets')!);
    const want = expected.get('sgd_losses')!.data; // loss before and after each step, lr 0.5
    const got: number[] = [];
    for (let step = 0; step < want.length; step++) {
      be.scope(() => {
        model.zeroGrad();
        const { loss } = model.forward(ids, targets);
        got.push(loss!.item());
        if (step === want.length - 1) return;
        loss!.backward();
        be.axpy(model.params.data, model.params.grad, -0.5, model.params.total); // p -= lr · grad
      });
    }
    const c = compare(got, want, 1e-5, 1e-6);
    console.log(`${be.name} ${name}: SGD losses max|Δ| ${c.maxAbs.toExponential(2)} over ${want.length} values`);
    expect(c.worst, `losses ${got.join(', ')} vs ${Array.from(want).join(', ')}`).toBeLessThanOrEqual(1);
    model.free();
  });
});
