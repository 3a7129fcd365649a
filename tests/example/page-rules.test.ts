// The example page's two warnings, as rules on numbers: overfitting (held-out loss up from its
// best while the training loss goes on falling) and a runaway KL in the policy card.
import { describe, expect, it } from 'vitest';
import { overfitting, type Point } from '../../examples/browser/src/views/overfit.js';
import { klRunaway } from '../../examples/browser/src/policy-options.js';

/** Training losses falling linearly from `from` to `to` over steps 1…n. */
const falling = (n: number, from: number, to: number): Point[] => Array.from({ length: n }, (_, i) => [i + 1, from + ((to - from) * i) / (n - 1)]);

describe('overfitting', () => {
  it('warns when the held-out loss rises above its best while training loss falls', () => {
    const val: Point[] = [[10, 3.0], [20, 2.5], [30, 2.6], [40, 2.8]];
    const o = overfitting(falling(40, 4, 1), val);
    expect(o).toMatchObject({ bestStep: 20, best: 2.5, step: 40, val: 2.8 });
    expect(o!.trainNow).toBeLessThan(o!.trainAtBest);
  });

  it('stays quiet while the held-out loss is at its best, within the margin, or with too few points', () => {
    const train = falling(40, 4, 1);
    expect(overfitting(train, [[10, 3.0], [20, 2.5], [30, 2.4]])).toBeNull(); // still improving
    expect(overfitting(train, [[10, 3.0], [20, 2.5], [30, 2.55]])).toBeNull(); // a 2% wobble
    expect(overfitting(train, [[10, 3.0]])).toBeNull();
  });

  it('is not overfitting when the training loss rises too (training itself went wrong)', () => {
    const rising = falling(40, 1, 4);
    expect(overfitting(rising, [[10, 3.0], [20, 2.5], [40, 2.9]])).toBeNull();
  });
});

describe('klRunaway', () => {
  it('names the first step whose KL passes the limit', () => {
    expect(klRunaway([0, 1.5, 4, 9.2, 12])).toEqual({ step: 4, kl: 9.2 });
    expect(klRunaway([0, 1, 2, 5.9])).toBeNull(); // the limit: 6 nats per answer, TRL's adaptive-KL target
    expect(klRunaway([0, 6.1])).toEqual({ step: 2, kl: 6.1 });
    expect(klRunaway([NaN, 3, NaN, 8.5])).toEqual({ step: 4, kl: 8.5 }); // DPO measures every few steps
  });
});
