// Token data: windows and batches, and a token file read window by window gives the same
// batches as the same tokens in memory.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTokens, packTokens, sampleBatch, splitTokens } from '../../ts/train/data.js';
import { FileTokens, writeTokenFile } from '../../ts/train/data-node.js';
import { Rng } from '../../ts/tensor/random.js';

const ids = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 60000);

describe('token data', () => {
  it('cuts windows whose targets are the inputs shifted by one', () => {
    const src = new MemoryTokens(packTokens(ids, 60000));
    const b = sampleBatch(src, 3, 16, new Rng(1));
    for (let r = 0; r < 3; r++) {
      const start = ids.indexOf(b.ids[r * 16]);
      expect(Array.from(b.ids.subarray(r * 16, r * 16 + 16))).toEqual(ids.slice(start, start + 16));
      expect(Array.from(b.targets.subarray(r * 16, r * 16 + 16))).toEqual(ids.slice(start + 1, start + 17));
    }
  });

  it('splits 90/10 without overlap and packs small vocabularies as uint16', () => {
    const t = packTokens(ids, 60000);
    expect(t).toBeInstanceOf(Uint16Array);
    expect(packTokens([70000], 70001)).toBeInstanceOf(Int32Array);
    const { train, val } = splitTokens(t, 0.1);
    expect(train.length + val.length).toBe(5000);
    expect(val.length).toBe(500);
    expect(() => splitTokens(t, 1)).toThrow(/valFraction must be in \[0, 1\)/);
  });

  it('reads a uint16 token file window by window: the same batches as in memory', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'gg-tokens-')), 'train.bin');
    writeTokenFile(path, ids);
    const { train, val } = FileTokens.split(path, 0.1);
    const mem = splitTokens(packTokens(ids, 60000), 0.1);
    expect([train.length, val.length]).toEqual([mem.train.length, mem.val.length]);
    for (const [f, m] of [[train, mem.train], [val, mem.val]] as const) {
      expect(sampleBatch(f, 4, 32, new Rng(5))).toEqual(sampleBatch(m, 4, 32, new Rng(5)));
    }
    train.close(); val.close();
    expect(() => writeTokenFile(path, [1, 70000])).toThrow(/id 70000 at 1 does not fit uint16/);
    const odd = path + '.odd';
    await writeFile(odd, new Uint8Array(3));
    expect(() => new FileTokens(odd)).toThrow(/3 bytes is not a whole number of uint16 tokens/);
  });
});
