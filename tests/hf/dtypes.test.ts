// F16 and BF16 safetensors widen to f32 exactly (Hugging Face checkpoints are often 16-bit):
// hand-made bit patterns, the edge cases of each format, in an aligned and an unaligned buffer.

import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../ts/io/safetensors.js';

function file(dtype: string, words: number[], shift = 0): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ x: { dtype, shape: [words.length], data_offsets: [0, 2 * words.length] } }).padEnd(64));
  const out = new Uint8Array(shift + 8 + header.length + 2 * words.length);
  const dv = new DataView(out.buffer, shift);
  dv.setUint32(0, header.length, true);
  out.set(header, shift + 8);
  words.forEach((w, i) => dv.setUint16(8 + header.length + 2 * i, w, true));
  return out.subarray(shift);
}

describe('16-bit safetensors', () => {
  // 1, −2, smallest subnormal 2^−24, largest subnormal, largest normal 65504, −0, +inf, 1/3 rounded
  const f16 = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x7bff, 0x8000, 0x7c00, 0x3555];
  const f16Want = [1, -2, 2 ** -24, 1023 * 2 ** -24, 65504, -0, Infinity, 0.333251953125];
  // 1, −3.140625, 2^−133 (a bf16 subnormal), the largest bf16, −inf
  const bf16 = [0x3f80, 0xc049, 0x0001, 0x7f7f, 0xff80];
  const bf16Want = [1, -3.140625, 2 ** -133, 3.3895313892515355e38, -Infinity];
  it.each([0, 1])('F16 and BF16 values widen exactly (buffer offset %i)', (shift) => {
    const a = readSafetensors(file('F16', f16, shift)).tensors.get('x')!;
    expect(a.dtype).toBe('F16');
    expect(Array.from(a.data)).toEqual(f16Want);
    expect(Object.is(a.data[5], -0)).toBe(true);
    const b = readSafetensors(file('BF16', bf16, shift)).tensors.get('x')!;
    expect(Array.from(b.data)).toEqual(bf16Want);
  });
  it('an F16 NaN stays NaN', () => {
    expect(readSafetensors(file('F16', [0x7e00])).tensors.get('x')!.data[0]).toBeNaN();
  });
  it('a 16-bit tensor whose shape needs more bytes than its offsets span is refused', () => {
    const header = new TextEncoder().encode(JSON.stringify({ x: { dtype: 'BF16', shape: [3], data_offsets: [0, 4] } }));
    const out = new Uint8Array(8 + header.length + 4);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 8);
    expect(() => readSafetensors(out)).toThrow(/shape \[3\] needs 6 bytes, data_offsets span 4/);
  });
});
