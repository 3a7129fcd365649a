// Limits before allocation (issue 16, problems 1, 2 and 14): a hostile config in an 11 KB
// checkpoint fails in milliseconds without growing the heap; an allocation over the wasm32 limit
// is refused by size instead of wrapping modulo 2^32 (or trapping with "unreachable"); a batch
// whose activations cannot fit is refused before the first step.

import { describe, expect, it } from 'vitest';
import { createBackend, HeapError } from '../../ts/backend/index.js';
import { readSafetensors, writeSafetensors } from '../../ts/io/safetensors.js';
import { CheckpointError, ConfigError, GPT, loadCheckpoint, saveCheckpoint } from '../../ts/model/index.js';
import { activationBytes, BUFFER_LIMIT_BYTES, parameterElements } from '../../ts/model/limits.js';
import { parameterSpecs, makeConfig } from '../../ts/model/config.js';
import { Trainer, MemoryTokens } from '../../ts/train/index.js';

const be = await createBackend('wasm');
const CFG = { vocabSize: 17, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, bias: false };
const small = saveCheckpoint(new GPT(be, CFG, { seed: 1 }), { tokenizer: '{}' });

/** The small checkpoint with its metadata config replaced. */
function withConfig(config: Record<string, unknown>): Uint8Array {
  const f = readSafetensors(small);
  return writeSafetensors(f.tensors, { ...f.metadata, config: JSON.stringify({ ...CFG, ...config }) });
}

describe('a hostile config in a checkpoint fails before anything is allocated', () => {
  it.each([
    [{ nLayer: 1e9 }, ConfigError, /needs .* GiB of parameters/],
    [{ nLayer: 1e6 }, ConfigError, /over|one buffer holds at most/],
    [{ vocabSize: 2147483647, nEmbd: 2, nHead: 1 }, ConfigError, /vocabSize=2147483647/],
    [{ vocabSize: 536870912 }, ConfigError, /smaller model/],
    // fits the heap (about 0.6 GB), but an 11 KB file cannot hold it: the walk stops at 5 missing
    [{ nLayer: 100000 }, CheckpointError, /missing tensors .* and maybe more \(the config nLayer=100000/],
  ])('%j', (config, cls, message) => {
    const bytes = withConfig(config);
    expect(bytes.length).toBeLessThan(20_000);
    const heap = be.heapBytes();
    expect(() => loadCheckpoint(be, bytes)).toThrow(cls);
    expect(() => loadCheckpoint(be, bytes)).toThrow(message);
    expect(be.heapBytes()).toBe(heap); // nothing was allocated for the model (it took minutes and 3.5–12 GB of RSS)
  });

  it('parameterElements is what a GPT allocates, by arithmetic only', () => {
    for (const c of [CFG, { ...CFG, bias: true, nEmbd: 6, nHead: 3, vocabSize: 13 }]) {
      const m = new GPT(be, c);
      expect(parameterElements(makeConfig(c))).toBe(m.params.total);
      m.free();
    }
    expect(() => parameterSpecs(makeConfig({ ...CFG, nLayer: 2 }))).not.toThrow();
  });
});

describe('allocation sizes are checked in bytes, never wrapped', () => {
  it.each(['js', 'wasm'] as const)('%s: 2^30 + 4 floats is refused by size, not given 16 bytes', async (name) => {
    const b = await createBackend(name);
    const keep = b.alloc(4);
    b.write(keep, [1, 2, 3, 4]);
    expect(() => b.alloc(2 ** 30 + 4)).toThrow(/1073741828 f32 values need 4294967312 bytes, over the 2147483632-byte limit/);
    expect(() => b.allocUninit(2 ** 29)).toThrow(HeapError); // exactly 2 GiB: over the Layout limit
    expect(Array.from(b.read(keep))).toEqual([1, 2, 3, 4]);
  });

  it('the wasm allocator returns null for a size no Layout can hold, instead of trapping', async () => {
    const b = await createBackend('wasm');
    const ex = (b as unknown as { exports: { alloc(n: number): number; alloc_uninit(n: number): number } }).exports;
    expect(ex.alloc(0x80000000)).toBe(0); // was RuntimeError: unreachable
    expect(ex.alloc_uninit(0xfffffff0)).toBe(0);
    expect(BUFFER_LIMIT_BYTES).toBe(2 ** 31 - 16);
  });
});

describe('training that cannot fit the heap is refused before the first step', () => {
  const model = new GPT(be, { ...CFG, blockSize: 64 });
  const train = new MemoryTokens(new Uint16Array(1000));

  it('a batch of 10^5 sequences names both numbers and the fix, before allocating', () => {
    const heap = be.heapBytes();
    expect(() => new Trainer(model, { train, steps: 1, batchSize: 100000, blockSize: 64 }))
      .toThrow(/batchSize=100000 × blockSize=64 .* over the wasm32 heap of 4\.0 GiB .*lower the batch size or the block size/);
    expect(be.heapBytes()).toBe(heap);
  });

  it('the activation estimate is a lower bound: it never refuses a step that fits', async () => {
    // a fresh heap, so its growth over one step is the step's real footprint; one thread, since
    // kernel threads allocate their stacks when they start, which may fall in any step
    const fresh = await createBackend('wasm', { threads: 1 });
    const m = new GPT(fresh, { vocabSize: 65, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, bias: false });
    const t = new Trainer(m, { train: new MemoryTokens(new Uint16Array(5000).map((_, i) => i % 65)), steps: 2, batchSize: 8 });
    t.trainStep();
    const before = fresh.heapBytes();
    t.trainStep(); // the second step reuses the first one's arena: measure the first from a new run
    expect(fresh.heapBytes()).toBe(before);
    const estimate = activationBytes(m.config, 8, 64);
    const params = 4 * 4 * m.params.total; // weights, grads, two moments
    expect(estimate + params).toBeLessThanOrEqual(before);
    expect(estimate + params).toBeGreaterThan(before / 4); // and not a uselessly loose one
  });
});

describe('the CLI', () => {
  it('train --block-size 100000000 fails on the model shape before reading --data (it reached 10 GB of RSS)', async () => {
    const { runCli } = await import('../cli/run-cli.js');
    const r = await runCli(['train', '--data', '/nonexistent/corpus.txt', '--block-size', '100000000', '--out', '/nonexistent/out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/blockSize=100000000, nLayer=4, nEmbd=128 needs 47\.7 GiB of parameters .*use a smaller model .*\(before any vocabulary; checked before reading --data\)/);
  });
});
