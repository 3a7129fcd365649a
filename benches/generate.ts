// Decode throughput with the KV cache (llm.c's "napkin math" style: tokens/s, and for the
// GPT-2-small shape the fraction of the memory-bandwidth limit). Named shapes, js and wasm
// interleaved round by round in one process, because this machine flips between a fast mode and
// one ~1.7× slower: quote medians and the median of per-round ratios. With --pytorch, each round
// also runs benches/reference/decode.py once (same shape, 1 thread) so the PyTorch ratio is
// per-round too.
//
//   npx tsx benches/generate.ts [--rounds N] [--json] [--pytorch] [--shape baby|gpt2-small] [--batch B]
//
// --batch B decodes B sequences at once (generateBatch's case): tokens/s counts all B, so it
// reads against the one-sequence rate as the throughput batching buys.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend } from '../ts/backend/backend.js';
import { createBackend } from '../ts/backend/index.js';
import { CachedStepper } from '../ts/generate/cached-stepper.js';
import { generate } from '../ts/generate/generate.js';
import { argmax } from '../ts/generate/sampler.js';
import { GPT } from '../ts/model/gpt.js';
import type { GPTConfig } from '../ts/model/config.js';
import { Rng } from '../ts/tensor/random.js';

const PROMPT = 64, NEW = 128;
interface Shape { name: string; config: Partial<GPTConfig>; rounds: number; jsNew: number }
const SHAPES: Shape[] = [
  // block 256 ≥ 64 + 128, so no window slide happens inside the measurement
  { name: 'baby', config: { nLayer: 4, nHead: 4, nEmbd: 128, vocabSize: 65, blockSize: 256 }, rounds: 5, jsNew: NEW },
  // the js twin is ~100× slower here: it decodes 16 tokens per round (tokens/s barely depends on it)
  { name: 'gpt2-small', config: { nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257, blockSize: 256 }, rounds: 3, jsNew: 16 },
];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Prefill PROMPT tokens in `batch` rows, then `n` greedy decode steps through the cache
 *  (model-bound: no sampling). tokens/s counts every row. */
function decodeRun(model: GPT, prompt: number[], n: number, batch = 1): { prefillMs: number; tokensPerS: number } {
  const stepper = new CachedStepper(model, model.config.blockSize, PROMPT + n);
  try {
    const t0 = performance.now();
    let logits = stepper.prefill(Array.from({ length: batch }, (_, b) => prompt.map((t) => (t + b) % model.config.vocabSize)));
    const t1 = performance.now();
    for (let i = 0; i < n; i++) logits = stepper.step(logits.map((l) => argmax(l)));
    const t2 = performance.now();
    return { prefillMs: t1 - t0, tokensPerS: (batch * n * 1000) / (t2 - t1) };
  } finally {
    stepper.free();
  }
}

/** generate() end to end (temperature 1, top-k 40: processors, sampling, logprobs, text). */
async function generateRun(model: GPT, prompt: number[], n: number): Promise<number> {
  const tok = { vocabSize: model.config.vocabSize, specialTokens: new Map(), encode: () => [], decode: () => '', encodePieces: () => [], tokenBytes: () => new Uint8Array([97]), toJSON: () => ({}) } as never;
  const t0 = performance.now();
  const r = await generate(model, tok, prompt, { maxTokens: n, seed: 1, topK: 40, endTokens: null });
  return (r.tokens.length * 1000) / (performance.now() - t0); // includes the prefill
}

/** Bytes copied per second by a 256 MiB Float32Array.set (it reads and writes that much). */
function copyBandwidth(): number {
  const n = 64 * 1024 * 1024, src = new Float32Array(n).fill(1), dst = new Float32Array(n);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); dst.set(src); times.push(performance.now() - t); }
  return (n * 4) / (median(times) / 1000);
}

function pytorchRound(shape: string): number | null {
  const script = fileURLToPath(new URL('./reference/decode.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--model', shape, '--rounds', '1', '--warmup', '4', '--json'], {
    encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-openmp' },
  });
  if (r.status !== 0) { console.error(`pytorch reference failed: ${r.stderr.trim().split('\n').at(-1)}`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!).tokens_per_s;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, json: { type: 'boolean' }, pytorch: { type: 'boolean' }, shape: { type: 'string', multiple: true }, batch: { type: 'string' } } });
  const batch = values.batch ? Number(values.batch) : 1;
  // one thread: threads are benches/threads.ts's
  const backends: Backend[] = [await createBackend('js'), await createBackend('wasm', { threads: 1 })];
  const out = (o: object) => console.log(values.json ? JSON.stringify({ bench: 'generate', ...o }) : Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`).join(' '));
  for (const shape of SHAPES.filter((s) => !values.shape || values.shape.includes(s.name))) {
    const rounds = values.rounds ? Number(values.rounds) : shape.rounds;
    const models = backends.map((be) => new GPT(be, shape.config, { seed: 1 }).eval());
    const rng = new Rng(7), V = shape.config.vocabSize!;
    const prompt = Array.from({ length: PROMPT }, () => Math.floor(rng.uniform() * V));
    models.forEach((m, i) => decodeRun(m, prompt, i === 0 ? 2 : 8)); // warm up (JIT, heap growth)
    const rates: Record<string, number[]> = { js: [], wasm: [], wasmGenerate: [], pytorch: [], copy: [] };
    const prefill: Record<string, number[]> = { js: [], wasm: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [1, 0] : [0, 1]; // alternate who goes first
      for (const i of order) {
        const res = decodeRun(models[i], prompt, i === 0 ? shape.jsNew : NEW, batch);
        rates[backends[i].name].push(res.tokensPerS);
        prefill[backends[i].name].push(res.prefillMs);
        out({ shape: shape.name, batch, round: r, backend: backends[i].name, tokensPerS: res.tokensPerS, prefillMs: res.prefillMs });
      }
      rates.copy.push(copyBandwidth()); // per round: the machine's mode changes under us
      if (batch === 1) rates.wasmGenerate.push(await generateRun(models[1], prompt, NEW)); // one sequence only
      out({ shape: shape.name, round: r, copyGBps: rates.copy[r] / 1e9, wasmGenerateTokensPerS: rates.wasmGenerate[r] });
      if (values.pytorch && batch === 1) {
        const p = pytorchRound(shape.name);
        if (p !== null) { rates.pytorch.push(p); out({ shape: shape.name, round: r, backend: 'pytorch', tokensPerS: p }); }
      }
    }
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]));
    const params = models[1].params.count(), C = shape.config.nEmbd!;
    // per decode token: every weight once (wte doubles as the head; of wpe one row), plus K and V
    // of the cached positions (mean length PROMPT + NEW/2)
    const bytesPerToken = 4 * (params - shape.config.blockSize! * C + C) + 4 * 2 * shape.config.nLayer! * (PROMPT + NEW / 2) * C;
    const summary: Record<string, number | string> = {
      shape: shape.name, batch, summary: 'median', js: median(rates.js), wasm: median(rates.wasm), wasmGenerate: median(rates.wasmGenerate),
      wasmOverJs: ratio(rates.wasm, rates.js), prefillMsJs: median(prefill.js), prefillMsWasm: median(prefill.wasm),
      mbPerToken: bytesPerToken / 1e6, copyGBps: median(rates.copy) / 1e9,
      // fraction of the bandwidth limit: (tokens/s × bytes/token) ÷ copy bandwidth, per round
      wasmBandwidthFraction: batch === 1 ? median(rates.wasm.map((t, i) => (t * bytesPerToken) / rates.copy[i])) : '— (batch > 1)',
    };
    if (rates.pytorch.length) Object.assign(summary, { pytorch: median(rates.pytorch), wasmOverPytorch: ratio(rates.wasm, rates.pytorch) });
    out(summary);
    models.forEach((m) => m.free());
  }
}

await main();
