// Property-based fuzzing of every reader of untrusted input (issue 16, "fuzzing as a habit"):
// the safetensors reader, checkpoints, tokenizer JSON, the JSONL readers and CLI arguments. Each
// property feeds generated input and allows exactly one outcome besides success: the documented
// error class of that layer. Anything else (TypeError, RangeError from a typed array, a stack
// overflow, a hang) fails the property. Shared by tests/fuzz/fuzz.test.ts (a few thousand cases
// in npm test) and benches/fuzz.ts (≥ 100k).

import fc from 'fast-check';
import { JsBackend } from '../../ts/backend/js/index.js';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../../ts/io/safetensors.js';
import { CheckpointError, ConfigError, GPT, loadCheckpoint, saveCheckpoint } from '../../ts/model/index.js';
import { tokenizerFromJSON } from '../../ts/tokenizer/json.js';
import { TokenizerError } from '../../ts/tokenizer/errors.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { parseSftJsonl } from '../../ts/align/sft-data.js';
import { parsePreferenceJsonl } from '../../ts/align/preference-data.js';
import { AlignDataError } from '../../ts/align/errors.js';
import { num, UsageError } from '../../ts/cli/args.js';
import { sampleCommand } from '../../ts/cli/sample.js';
import { tokenizeCommand } from '../../ts/cli/tokenize.js';

/** Runs fn; an error of one of `allowed` counts as a clean refusal, anything else is rethrown. */
function only(allowed: (new (...a: never[]) => Error)[], fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!allowed.some((c) => e instanceof c)) throw e;
  }
}

const be = new JsBackend();
const model = new GPT(be, { vocabSize: 7, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4, bias: false }, { seed: 1 });
const checkpoint = saveCheckpoint(model, { tokenizer: '{}' });
const tok = trainBpe('hello world, hello fuzz', { vocabSize: 262, specialTokens: ['<|end|>'] });
const tokJSON = tok.toJSON() as unknown as Record<string, unknown>;

/** A valid file with some bytes replaced, some cut, or some appended. */
const damaged = (valid: Uint8Array) => fc.tuple(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.boolean(), fc.uint8Array({ maxLength: 16 }),
).map(([edits, cut, doCut, tail]) => {
  let b = new Uint8Array(valid);
  for (const [at, v] of edits) b[at % b.length] = v;
  if (doCut) b = b.subarray(0, cut % (b.length + 1));
  else if (tail.length) b = Uint8Array.from([...b, ...tail]);
  return b;
});

/** A safetensors header whose entries have arbitrary dtypes, shapes and offsets. */
const craftedHeader = fc.tuple(
  fc.dictionary(fc.string({ maxLength: 6 }), fc.record({
    dtype: fc.constantFrom('F32', 'I32', 'F16', 'x', 7),
    shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constant(2 ** 40), fc.double()), { maxLength: 4 }),
    data_offsets: fc.array(fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constant(2 ** 53)), { maxLength: 3 }),
  }), { maxKeys: 4 }),
  fc.integer({ min: 0, max: 64 }),
).map(([h, dataLen]) => {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + dataLen);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
});

/** Regex sources from a small grammar, so nested quantified groups ((a+)+, (a|a)*) are common. */
const regexLike: fc.Arbitrary<string> = fc.letrec<{ seq: string; atom: string }>((tie) => ({
  seq: fc.array(tie('atom'), { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
  atom: fc.tuple(fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom('a', '\\s', '.', '[a-z]', '\\p{L}', '\\1'),
    fc.tuple(tie('seq'), fc.option(tie('seq'))).map(([x, y]) => `(${x}${y === null ? '' : '|' + y})`)),
  fc.constantFrom('', '', '+', '*', '?', '{1,3}', '{2,}')).map(([x, q]) => x + q),
})).seq.map((s) => s + (s.length % 2 ? '$' : ''));

export interface FuzzProperty { name: string; property: () => fc.IProperty<unknown> | fc.IAsyncProperty<unknown> }

export const PROPERTIES: FuzzProperty[] = [
  { name: 'safetensors: random bytes', property: () => fc.property(fc.uint8Array({ maxLength: 64 }), (b) => only([SafetensorsError], () => readSafetensors(b))) },
  { name: 'safetensors: damaged files', property: () => fc.property(damaged(checkpoint), (b) => only([SafetensorsError], () => readSafetensors(b))) },
  {
    name: 'safetensors: crafted headers (what it accepts is fully indexed)',
    property: () => fc.property(craftedHeader, (b) => only([SafetensorsError], () => {
      const f = readSafetensors(b);
      let bytes = 0;
      for (const t of f.tensors.values()) bytes += t.data.byteLength;
      if (bytes !== b.length - 8 - new DataView(b.buffer).getUint32(0, true)) throw new Error(`accepted a file whose tensors cover ${bytes} bytes`);
    })),
  },
  {
    name: 'safetensors: round trip',
    property: () => fc.property(fc.array(fc.tuple(fc.string({ maxLength: 5 }), fc.array(fc.float({ noNaN: true }), { maxLength: 6 })), { maxLength: 4 }), (ts) => {
      const uniq = [...new Map(ts.filter(([n]) => n !== '__metadata__')).entries()];
      const f = readSafetensors(writeSafetensors(uniq.map(([n, v]) => [n, { shape: [v.length], data: Float32Array.from(v) }])));
      for (const [n, v] of uniq) if (Array.from(f.tensors.get(n)!.data).join() !== Array.from(Float32Array.from(v)).join()) throw new Error(`round trip changed "${n}"`);
    }),
  },
  { name: 'checkpoint: damaged files', property: () => fc.property(damaged(checkpoint), (b) => only([SafetensorsError, CheckpointError, ConfigError], () => loadCheckpoint(be, b).model.free())) },
  {
    name: 'checkpoint: hostile configs',
    property: () => fc.property(fc.record({
      vocabSize: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constant(2 ** 31 - 1), fc.constant(2 ** 29), fc.double()),
      blockSize: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(1e8)), nLayer: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(1e9), fc.constant(1e5)),
      nHead: fc.integer({ min: 0, max: 4 }), nEmbd: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(65536)), bias: fc.oneof(fc.boolean(), fc.constant('yes')),
    }, { requiredKeys: [] }), (cfg) => {
      const f = readSafetensors(checkpoint);
      const b = writeSafetensors(f.tensors, { ...f.metadata, config: JSON.stringify(cfg) });
      only([CheckpointError, ConfigError], () => loadCheckpoint(be, b).model.free());
    }),
  },
  {
    name: 'tokenizer JSON: mutated fields',
    property: () => fc.property(fc.constantFrom('type', 'vocab', 'merges', 'specialTokens', 'pattern', 'version'), fc.jsonValue({ maxDepth: 2 }), (key, value) => {
      only([TokenizerError], () => {
        const t = tokenizerFromJSON(JSON.stringify({ ...tokJSON, [key]: value }));
        t.decode(t.encode('hello fuzz'));
      });
    }),
  },
  { name: 'tokenizer JSON: arbitrary text', property: () => fc.property(fc.string({ maxLength: 40 }), (s) => only([TokenizerError], () => tokenizerFromJSON(s))) },
  {
    name: 'tokenizer patterns: refused or safe to run',
    property: () => fc.property(fc.oneof(regexLike, fc.stringMatching(/^[a\\s()+*?|{}\d,:^$.[\]-]{0,14}$/)), (p) => only([TokenizerError], () => {
      const t = tokenizerFromJSON(JSON.stringify({ ...tokJSON, pattern: p }));
      t.encode('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'); // exponential patterns would hang here
    })),
  },
  {
    name: 'tokenizers: decode(encode(s)) = s for any string (byte BPE), or a TokenizerError (chars)',
    property: () => fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
      if (tok.decode(tok.encode(s)) !== s) throw new Error(`BPE round trip changed ${JSON.stringify(s)}`);
      only([TokenizerError], () => CharTokenizer.fromText('abc').encode(s));
    }),
  },
  {
    name: 'JSONL: SFT and preference readers',
    property: () => fc.property(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 12 }),
      fc.record({ prompt: fc.string(), response: fc.oneof(fc.string(), fc.integer()) }).map((v) => JSON.stringify(v)),
      fc.record({ prompt: fc.string(), responses: fc.array(fc.string(), { maxLength: 3 }), ranking: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }) }).map((v) => JSON.stringify(v))),
    { maxLength: 4 }), (lines) => {
      const text = lines.join('\n');
      only([AlignDataError], () => parseSftJsonl(text, 'f.jsonl'));
      only([AlignDataError], () => parsePreferenceJsonl(text, 'f.jsonl'));
    }),
  },
  {
    name: 'CLI: numbers',
    property: () => fc.property(fc.string({ maxLength: 12 }), fc.boolean(), (s, int) => only([UsageError], () => {
      const v = num({ steps: s }, 'steps', { int, min: 0, max: 1e6 });
      if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1e6 && (!int || Number.isInteger(v)))) throw new Error(`num accepted ${JSON.stringify(s)} as ${v}`);
    })),
  },
  {
    name: 'CLI: sample and tokenize arguments exit 1 or 2, never throw',
    property: () => fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom('--temperature', '--top-k', '--top-p', '--seed', '--max-tokens', '--stop', '--json', '--text',
      '--file', '--pieces', '--stream', '-x', '--', 'NaN', '-1', '1e309', '0x10', ''), fc.string({ maxLength: 6 })), { maxLength: 6 }), async (argv) => {
      const io = { out: () => undefined, err: () => undefined };
      const a = await sampleCommand([...argv, '--checkpoint', '/nonexistent/ckpt', '--prompt', 'a'], io);
      const b = await tokenizeCommand([...argv, '--tokenizer', '/nonexistent/tok.json'], io);
      if (![1, 2].includes(a) || ![0, 1, 2].includes(b)) throw new Error(`exit codes ${a}, ${b} for ${JSON.stringify(argv)}`);
    }),
  },
];

