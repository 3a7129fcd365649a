// The parity run, one module for both sides: Node (tests/browser/parity.test.ts) and Chromium
// (parity.html, bundled from the package's dist). A seeded BPE tokenizer, 20 training steps,
// a checkpoint, 50 sampled tokens. The library is passed in, so each side uses its own build:
// the types below come from the sources and are erased, nothing of ts/ reaches the bundle.

import type * as Backends from '../../../ts/backend/index.js';
import type * as Model from '../../../ts/model/index.js';
import type * as Train from '../../../ts/train/index.js';
import type * as Tok from '../../../ts/tokenizer/index.js';
import type * as Gen from '../../../ts/generate/index.js';

/** What the run needs of glassgpt (the package's public API). */
export interface ParityLib {
  createBackend: typeof Backends.createBackend;
  GPT: typeof Model.GPT;
  saveCheckpoint: typeof Model.saveCheckpoint;
  loadCheckpoint: typeof Model.loadCheckpoint;
  Trainer: typeof Train.Trainer;
  MemoryTokens: typeof Train.MemoryTokens;
  packTokens: typeof Train.packTokens;
  trainBpe: typeof Tok.trainBpe;
  tokenizerFromJSON: typeof Tok.tokenizerFromJSON;
  generate: typeof Gen.generate;
}

export const PARITY_EXPORTS: readonly (keyof ParityLib)[] = ['createBackend', 'GPT', 'saveCheckpoint', 'loadCheckpoint',
  'Trainer', 'MemoryTokens', 'packTokens', 'trainBpe', 'tokenizerFromJSON', 'generate'];

/** wasm-relaxed: the opt-in relaxed build (fused multiply-adds). Its bits depend on the CPU, so
 *  it is compared between two engines on one machine, where both fuse the same way. */
export type ParityBackend = 'wasm' | 'wasm-relaxed' | 'js';

const open = (lib: ParityLib, backend: ParityBackend) =>
  backend === 'wasm-relaxed' ? lib.createBackend('wasm', { variant: 'relaxed' }) : lib.createBackend(backend);

export interface ParityResult {
  backend: ParityBackend;
  vocabSize: number;
  losses: number[];
  /** SHA-256 (hex) of the checkpoint bytes after 20 steps (weights, config, tokenizer). */
  checkpointSha256: string;
  /** The checkpoint itself, base64, so the other side can load it. */
  checkpointBase64: string;
  tokens: number[];
  text: string;
}

export const PARITY_TEXT = 'The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs to the wood. ' +
  'A fox is quick and a dog is lazy, so the fox gets away every time the dog wakes. '.repeat(3) +
  'Numbers too: 1 2 3, 10 20 30, 100 200 300. Unicode: naïve café, Grüße, 東京. ';
export const PARITY_CONFIG = { blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, dropout: 0, bias: true };
const SAMPLE = { maxTokens: 50, temperature: 0.9, topK: 40, topP: 0.95, seed: 4242, endTokens: null } as const;
const PROMPT = 'The fox';

/** Train from scratch and sample; everything seeded. */
export async function parityRun(lib: ParityLib, backend: ParityBackend): Promise<ParityResult> {
  const be = await open(lib, backend);
  const tok = lib.trainBpe(PARITY_TEXT, { vocabSize: 300 });
  const ids = tok.encode(PARITY_TEXT);
  const model = new lib.GPT(be, { ...PARITY_CONFIG, vocabSize: tok.vocabSize }, { seed: 1234 });
  const trainer = new lib.Trainer(model, {
    train: new lib.MemoryTokens(lib.packTokens(ids, tok.vocabSize)), steps: 20, batchSize: 4, lr: 3e-3,
    warmupIters: 2, evalInterval: 1000, evalIters: 1, seed: 99,
  });
  const losses: number[] = [];
  for await (const ev of trainer.run()) if (ev.type === 'step') losses.push(ev.loss);
  trainer.free();
  const bytes = lib.saveCheckpoint(model, { tokenizer: JSON.stringify(tok.toJSON()), metadata: { step: '20' } });
  const sample = await lib.generate(model, tok, PROMPT, SAMPLE);
  model.free();
  return {
    backend, vocabSize: tok.vocabSize, losses, checkpointSha256: await sha256(bytes), checkpointBase64: toBase64(bytes),
    tokens: sample.tokens, text: sample.text,
  };
}

/** Load a checkpoint written by the other side and sample from it. */
export async function sampleFromCheckpoint(lib: ParityLib, backend: ParityBackend, base64: string):
  Promise<{ checkpointSha256: string; tokens: number[] }> {
  const be = await open(lib, backend);
  const bytes = fromBase64(base64);
  const { model, tokenizer } = lib.loadCheckpoint(be, bytes);
  const tok = lib.tokenizerFromJSON(tokenizer!);
  const resaved = lib.saveCheckpoint(model, { tokenizer: tokenizer!, metadata: { step: '20' } });
  const sample = await lib.generate(model, tok, PROMPT, SAMPLE);
  model.free();
  return { checkpointSha256: await sha256(resaved), tokens: sample.tokens };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
