// Safetensors on bytes (Uint8Array), so it runs in browsers: an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__: {str: str}}, then the
// tensor bytes (huggingface/safetensors' format spec). The reader trusts nothing: the header
// length is bounded, every offset is checked against the file, every shape against its bytes, so
// a hostile file gives a SafetensorsError, never a hang or a giant allocation.

import { GlassgptError } from '../errors.js';

/** A malformed, truncated or hostile safetensors file (the message names what and where). */
export class SafetensorsError extends GlassgptError {
  readonly code: string = 'ERR_SAFETENSORS';
  override name = 'SafetensorsError';
}

/** F16 and BF16 (Hugging Face checkpoints) are widened to F32 on read; `dtype` keeps the
 *  file's, so a caller can tell what the file held. */
export type StDType = 'F32' | 'I32' | 'F16' | 'BF16';

export interface StTensor {
  dtype: StDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface StFile {
  tensors: Map<string, StTensor>;
  metadata: Record<string, string>;
}

/** Largest header the reader accepts (the reference implementation's limit is 100 MB too). */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES: Record<StDType, number> = { F32: 4, I32: 4, F16: 2, BF16: 2 };

interface Entry { name: string; dtype: StDType; shape: number[]; begin: number; end: number }

/** Parses the header only: names, dtypes, shapes and byte ranges, all checked. */
function parseHeader(bytes: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(`safetensors: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) throw new SafetensorsError(`safetensors: file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (headerLen > MAX_HEADER_BYTES) throw new SafetensorsError(`safetensors: header length ${headerLen} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (8 + headerLen > bytes.length) throw new SafetensorsError(`safetensors: header length ${headerLen} runs past the end of a ${bytes.length}-byte file (truncated?)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new SafetensorsError(`safetensors: header is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('safetensors: header must be a JSON object');
  const dataStart = 8 + headerLen, dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SafetensorsError('safetensors: __metadata__ must be an object');
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw new SafetensorsError(`safetensors: metadata "${k}" must be a string, got ${typeof s}`);
        metadata[k] = s;
      }
      continue;
    }
    entries.push(checkEntry(name, v, dataLen));
  }
  checkCoverage(entries, dataLen);
  return { entries, metadata, dataStart };
}

/** The format requires the data section to be fully indexed: sorted by offset, each tensor
 *  starts where the previous ended, the last ends at the end of the file. An overlap would let
 *  two tensors share bytes; a hole hides data no tensor names. */
function checkCoverage(entries: Entry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0, prev = '';
  for (const e of sorted) {
    if (e.begin < at) throw new SafetensorsError(`safetensors: tensor "${e.name}" [${e.begin}, ${e.end}) overlaps "${prev}" which ends at ${at}; each byte must belong to one tensor`);
    if (e.begin > at) throw new SafetensorsError(`safetensors: bytes [${at}, ${e.begin}) before tensor "${e.name}" belong to no tensor (a hole); the format requires the data fully indexed`);
    at = e.end; prev = e.name;
  }
  if (at !== dataLen) throw new SafetensorsError(`safetensors: bytes [${at}, ${dataLen}) at the end belong to no tensor (trailing data or a hole); the format requires the data fully indexed`);
}

/** The header of a safetensors file, checked (offsets, shapes, coverage), without copying any
 *  tensor: names, dtypes, shapes and metadata, to compare against what a caller expects before
 *  it allocates anything. */
export function readSafetensorsHeader(bytes: Uint8Array): { tensors: Map<string, { dtype: StDType; shape: number[] }>; metadata: Record<string, string> } {
  const { entries, metadata } = parseHeader(bytes);
  return { tensors: new Map(entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape }])), metadata };
}

function checkEntry(name: string, v: unknown, dataLen: number): Entry {
  const bad = (what: string) => new SafetensorsError(`safetensors: tensor "${name}": ${what}`);
  if (v === null || typeof v !== 'object') throw bad('entry must be an object');
  const { dtype, shape, data_offsets: off } = v as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) throw bad(`dtype ${JSON.stringify(dtype)} is not supported (only F32, F16, BF16 and I32)`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw bad(`data_offsets ${JSON.stringify(off)} must be two non-negative integers`);
  }
  const [begin, end] = off as number[];
  if (begin > end || end > dataLen) throw bad(`data_offsets [${begin}, ${end}] fall outside the ${dataLen} data bytes`);
  // the product is compared to bytes already known to be in the file: no giant allocation
  let count = 1;
  for (const d of shape as number[]) count *= d;
  const size = DTYPE_BYTES[dtype as StDType];
  if (count * size !== end - begin) throw bad(`shape ${JSON.stringify(shape)} needs ${count * size} bytes, data_offsets span ${end - begin}`);
  return { name, dtype: dtype as StDType, shape: shape as number[], begin, end };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Little-endian bytes → a fresh typed array (a plain copy on little-endian hosts, i.e. all
 *  of them in practice; a DataView loop otherwise). */
function decode(src: Uint8Array, dtype: StDType): Float32Array | Int32Array {
  if (dtype === 'F16' || dtype === 'BF16') return widen16(src, dtype);
  const n = src.length / 4;
  if (LITTLE_ENDIAN) {
    // a copy into an aligned buffer of its own; not src.slice(): on a Node Buffer that is a view
    const buf = new Uint8Array(src).buffer;
    return dtype === 'F32' ? new Float32Array(buf) : new Int32Array(buf);
  }
  const dv = new DataView(src.buffer, src.byteOffset, src.length);
  const data = dtype === 'F32' ? new Float32Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = dtype === 'F32' ? dv.getFloat32(4 * i, true) : dv.getInt32(4 * i, true);
  return data;
}

/** 16-bit floats → f32, exactly (every f16 and bf16 value is an f32). bf16 is the top half of
 *  an f32's bits; f16 is rebuilt from sign, exponent and mantissa (subnormals scaled by 2^-24). */
function widen16(src: Uint8Array, dtype: 'F16' | 'BF16'): Float32Array {
  const n = src.length / 2, out = new Float32Array(n);
  // little-endian 16-bit words read in place when aligned (a copy of 250 MB costs seconds of
  // page faults here), else through an aligned copy
  const h = !LITTLE_ENDIAN ? Uint16Array.from({ length: n }, (_, i) => src[2 * i] | (src[2 * i + 1] << 8))
    : src.byteOffset % 2 === 0 ? new Uint16Array(src.buffer, src.byteOffset, n) : new Uint16Array(new Uint8Array(src).buffer);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = h[i] << 16;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = f16ToF32(h[i]);
  return out;
}

export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every tensor, copied out of `bytes` (little-endian decoded). */
export function readSafetensors(bytes: Uint8Array): StFile {
  const { entries, metadata, dataStart } = parseHeader(bytes);
  const tensors = new Map<string, StTensor>();
  for (const e of entries) {
    const src = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(src, e.dtype) });
  }
  return { tensors, metadata };
}

/** A safetensors file of `tensors` (in the given order) with string `metadata`. The header is
 *  padded with spaces to a multiple of 8 bytes so the data starts aligned. */
export function writeSafetensors(tensors: Iterable<[string, { shape: readonly number[]; data: Float32Array | Int32Array }]>,
  metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.create(null); // a tensor named "__proto__" stays a key
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new SafetensorsError(`safetensors: metadata "${k}" must be a string`);
    header.__metadata__ = metadata;
  }
  const list = [...tensors];
  const names = new Set<string>(['__metadata__']);
  let offset = 0;
  for (const [name, t] of list) {
    if (names.has(name)) throw new SafetensorsError(`safetensors: duplicate or reserved tensor name "${name}"`);
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new SafetensorsError(`safetensors: tensor "${name}" has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    const dtype = t.data instanceof Float32Array ? 'F32' : 'I32';
    names.add(name);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded % 2 ** 32, true);
  dv.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let p = 8 + padded;
  for (const [, t] of list) {
    if (t.data instanceof Float32Array) for (let i = 0; i < t.data.length; i++, p += 4) dv.setFloat32(p, t.data[i], true);
    else for (let i = 0; i < t.data.length; i++, p += 4) dv.setInt32(p, t.data[i], true);
  }
  return out;
}
