// One training step (forward, backward, plain SGD via axpy) allocates nothing that outlives it:
// the backend's heap holds the same number of bytes after step 2 and step 200. The loss must also
// fall (the steps are real), and two runs from one seed must agree bit for bit.

import { describe, expect, it } from 'vitest';
import type { Backend } from '../../ts/backend/backend.js';
import { GPT } from '../../ts/model/index.js';
import { testBackends } from '../helpers/backends.js';

const backends = await testBackends();
const CFG = { vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0.1 };
const ids = [[1, 2, 3, 4, 5, 6, 7, 8], [12, 11, 10, 9, 8, 7, 6, 5]];
const targets = ids.map((r) => [...r.slice(1), -100]);

function run(be: Backend, steps: number, onStep: (step: number, loss: number) => void): void {
  const model = new GPT(be, CFG, { seed: 2 });
  for (let step = 1; step <= steps; step++) {
    const loss = be.scope(() => {
      model.zeroGrad();
      const out = model.forward(ids, targets);
      out.loss!.backward();
      be.axpy(model.params.data, model.params.grad, -0.3, model.params.total); // SGD
      return out.loss!.item();
    });
    onStep(step, loss);
  }
  model.free();
}

describe.each(backends.map((b) => [b.name, b] as const))('step memory on %s', (_n, be) => {
  it('heap bytes after step 2 equal those after step 200; the loss falls', () => {
    const heap: number[] = [], losses: number[] = [];
    const start = be.heapBytes();
    run(be, 200, (step, loss) => { heap[step] = be.heapBytes(); losses[step] = loss; });
    expect(heap[200]).toBe(heap[2]);
    expect(losses[200]).toBeLessThan(0.5 * losses[1]);
    if (be.name === 'js') expect(be.heapBytes()).toBe(start); // js counts live bytes: all freed
  });

  it('is deterministic: the same seed gives the same losses (dropout included)', () => {
    const a: number[] = [], b: number[] = [];
    run(be, 5, (_s, l) => a.push(l));
    run(be, 5, (_s, l) => b.push(l));
    expect(b).toEqual(a);
  });
});
