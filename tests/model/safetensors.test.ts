// Safetensors on bytes: round trips, and every hostile case the reader must refuse quickly with
// a SafetensorsError (never a hang, never an allocation the file does not pay for).

import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES, SafetensorsError, readSafetensors, writeSafetensors } from '../../ts/io/safetensors.js';

/** A file with header `header` (object or raw text) and `dataLen` zero bytes of data. */
function craft(header: unknown, dataLen = 0, lenOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, lenOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const t = (dtype: string, shape: unknown, off: unknown) => ({ dtype, shape, data_offsets: off });

describe('safetensors', () => {
  it('round-trips F32 and I32 tensors and metadata, with awkward names', () => {
    const a = Float32Array.from([1.5, -2, 3e-8, Infinity, -0]);
    const b = Int32Array.from([-100, 0, 2 ** 31 - 1]);
    const bytes = writeSafetensors([['w.a', { shape: [5], data: a }], ['__proto__', { shape: [3, 1], data: b }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }]], { config: '{"x":1}', format: 'pt' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0); // data aligned
    const f = readSafetensors(bytes);
    expect([...f.tensors.keys()]).toEqual(['w.a', '__proto__', 'empty']);
    expect(f.tensors.get('w.a')!.data).toEqual(a);
    expect(f.tensors.get('__proto__')).toMatchObject({ dtype: 'I32', shape: [3, 1], data: b });
    expect(f.tensors.get('empty')!.shape).toEqual([0, 4]);
    expect(f.metadata).toEqual({ config: '{"x":1}', format: 'pt' });
  });

  it('reads a file whose Uint8Array is an unaligned view into a larger buffer', () => {
    const bytes = writeSafetensors([['x', { shape: [2], data: Float32Array.from([7, 8]) }]]);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(readSafetensors(big.subarray(3)).tensors.get('x')!.data).toEqual(Float32Array.from([7, 8]));
  });

  it('refuses writing mismatched shapes and duplicate names', () => {
    expect(() => writeSafetensors([['x', { shape: [3], data: new Float32Array(2) }]])).toThrow(/shape \[3\] but 2 values/);
    expect(() => writeSafetensors([['x', { shape: [1], data: new Float32Array(1) }], ['x', { shape: [1], data: new Float32Array(1) }]])).toThrow(/duplicate/);
  });

  const hostile: [string, () => Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', () => new Uint8Array(5), /shorter than the 8-byte/],
    ['a header length over the limit', () => craft({}, 0, BigInt(MAX_HEADER_BYTES + 1)), /exceeds the limit/],
    ['a header length of 2^63', () => craft({}, 0, 2n ** 63n), /exceeds the limit/],
    ['a header length past the end', () => craft({}, 0, 1000n), /runs past the end/],
    ['a header that is not JSON', () => craft('{"a": [1, 2', 0), /not valid UTF-8 JSON/],
    ['a header that is not UTF-8', () => { const b = craft('{"a":1} '); b[10] = 0xff; return b; }, /not valid UTF-8 JSON/],
    ['a header that is an array', () => craft([1, 2]), /must be a JSON object/],
    ['an unsupported dtype', () => craft({ x: t('F64', [2], [0, 4]) }, 4), /dtype "F64" is not supported/],
    ['a negative dimension', () => craft({ x: t('F32', [-1, 4], [0, 16]) }, 16), /not a list of non-negative integers/],
    ['a fractional dimension', () => craft({ x: t('F32', [1.5], [0, 4]) }, 4), /not a list of non-negative integers/],
    ['a giant shape over few bytes', () => craft({ x: t('F32', [1e9, 1e9], [0, 8]) }, 8), /needs .* bytes, data_offsets span 8/],
    ['offsets past the end of the data', () => craft({ x: t('F32', [4], [0, 16]) }, 8), /fall outside the 8 data bytes/],
    ['offsets in reverse', () => craft({ x: t('F32', [0], [8, 4]) }, 8), /fall outside/],
    ['offsets that are not numbers', () => craft({ x: t('F32', [1], ['0', '4']) }, 4), /must be two non-negative integers/],
    ['an entry that is not an object', () => craft({ x: 5 }), /entry must be an object/],
    ['metadata that is not strings', () => craft({ __metadata__: { step: 5 } }), /metadata "step" must be a string/],
    // the format requires the data section fully indexed, without overlaps (issue 16, problem 9)
    ['two tensors over the same bytes', () => craft({ a: t('F32', [2], [0, 8]), b: t('F32', [2], [0, 8]) }, 8), /tensor "b" \[0, 8\) overlaps "a" which ends at 8/],
    ['tensors that overlap in part', () => craft({ a: t('F32', [2], [0, 8]), b: t('F32', [2], [4, 12]) }, 12), /"b" \[4, 12\) overlaps "a"/],
    ['a hole between tensors', () => craft({ a: t('F32', [1], [0, 4]), b: t('F32', [1], [8, 12]) }, 12), /bytes \[4, 8\) before tensor "b" belong to no tensor/],
    ['a hole at the start', () => craft({ a: t('F32', [1], [4, 8]) }, 8), /bytes \[0, 4\) before tensor "a"/],
    ['trailing bytes no tensor names', () => craft({ a: t('F32', [1], [0, 4]) }, 12), /bytes \[4, 12\) at the end belong to no tensor/],
  ];
  it.each(hostile)('refuses %s', (_what, make, message) => {
    const bytes = make();
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('accepts empty tensors anywhere in a fully indexed file', () => {
    const bytes = craft({ z: t('F32', [0], [4, 4]), a: t('F32', [1], [0, 4]), b: t('I32', [1], [4, 8]), e: t('F32', [0, 3], [8, 8]) }, 8);
    expect([...readSafetensors(bytes).tensors.keys()].sort()).toEqual(['a', 'b', 'e', 'z']);
  });

  it('refuses every truncation of a valid file', () => {
    const bytes = writeSafetensors([['a', { shape: [3, 2], data: new Float32Array(6).fill(1) }]], { k: 'v' });
    for (let n = 0; n < bytes.length; n++) expect(() => readSafetensors(bytes.subarray(0, n)), `cut at ${n}`).toThrow(SafetensorsError);
  });
});
