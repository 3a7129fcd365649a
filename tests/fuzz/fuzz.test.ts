// The fuzz properties of properties.ts, a few thousand generated inputs in all (benches/fuzz.ts
// runs ≥ 100k). A fixed seed keeps npm test reproducible; a failure prints fast-check's shrunk
// counterexample and the seed to replay it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PROPERTIES } from './properties.js';

const RUNS = 300; // × 13 properties ≈ 3,900 cases

describe('fuzz: untrusted input gives a result or the layer\'s documented error', () => {
  for (const p of PROPERTIES) {
    it(p.name, async () => {
      await fc.assert(p.property() as fc.IAsyncProperty<unknown>, { numRuns: RUNS, seed: 16 });
    }, 60_000);
  }
});
