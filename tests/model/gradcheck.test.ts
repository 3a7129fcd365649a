// A finite-difference check of the whole GPT on a tiny config: for a handful of entries of every
// parameter, the backward() gradient against central differences of the float32 loss. Two step
// sizes are used and must agree with each other first ("double-checked"), so a disagreement with
// backward() is not blamed on a noisy difference quotient.

import { describe, expect, it } from 'vitest';
import { GPT } from '../../ts/model/index.js';
import { noGrad } from '../../ts/tensor/index.js';
import { Rng } from '../../ts/tensor/random.js';
import { testBackends } from '../helpers/backends.js';

const backends = await testBackends();
const CFG = { vocabSize: 7, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8 };
const ids = [[1, 2, 3, 4, 5], [6, 0, 2, 2, 1]];
const targets = [[2, 3, 4, 5, -100], [0, 2, 2, 1, 3]];

describe.each(backends.map((b) => [b.name, b] as const))('whole-model gradient check on %s', (_n, be) => {
  it('backward() agrees with central differences for entries of every parameter', () => {
    const model = new GPT(be, CFG, { seed: 5 });
    // matrices 5× the GPT-2 init (std 0.1) so every path carries gradient worth measuring
    for (const [name, p] of model.namedParameters()) if (p.shape.length === 2) be.scale(p.data, p.data, 5, p.size);
    const loss = () => be.scope(() => noGrad(() => model.forward(ids, targets).loss!.item()));
    be.scope(() => { model.zeroGrad(); model.forward(ids, targets).loss!.backward(); });
    const rng = new Rng(11);
    let checked = 0, worst = 0;
    for (const [name, p] of model.namedParameters()) {
      const g = p.gradArray()!, v = p.toArray();
      let top = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[top])) top = i;
      for (const i of [top, rng.nextU32() % g.length, rng.nextU32() % g.length]) {
        const fd = (eps: number) => {
          be.write(p.data, [v[i] + eps], i); const lp = loss();
          be.write(p.data, [v[i] - eps], i); const lm = loss();
          be.write(p.data, [v[i]], i);
          return (lp - lm) / (2 * eps);
        };
        const a = fd(1e-2), b = fd(5e-3);
        expect(Math.abs(a - b), `${name}[${i}]: the two differences disagree`).toBeLessThan(2e-3 + 0.02 * Math.abs(b));
        const err = Math.abs(g[i] - b) / (1e-3 + 0.01 * Math.abs(b));
        expect(err, `${name}[${i}]: backward ${g[i]}, finite difference ${b}`).toBeLessThanOrEqual(1);
        worst = Math.max(worst, err);
        checked++;
      }
      expect(Math.abs(g[top]), `${name} has a gradient`).toBeGreaterThan(1e-3);
    }
    console.log(`${be.name}: ${checked} entries checked, worst error ${worst.toFixed(3)} of the allowed`);
    model.free();
  });
});
