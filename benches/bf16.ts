// Decode with bf16 weights against f32, GPT-2-small shape (124 M, random weights), on wasm: the
// same weights in two GPTs on one backend, one with setWeightDtype('bf16'), interleaved A B / B A
// round by round in one process (the machine flips between a fast mode and one ~1.7× slower), so
// the ratio quoted is the median of per-round ratios. Napkin math as generate.ts: bytes read per
// token ÷ copy bandwidth. Also the logits of a prompt under both: max |Δ| and argmax agreement.
//
//   npx tsx benches/bf16.ts [--rounds 5] [--new 64] [--json] [--pytorch]
//
// --pytorch: each round also runs benches/reference/decode.py once (same shape, f32, 1 thread,
// prompt 64, 128 new tokens), so the bf16 ÷ PyTorch ratio is per round too.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../ts/backend/index.js';
import { CachedStepper } from '../ts/generate/cached-stepper.js';
import { argmax } from '../ts/generate/sampler.js';
import { GPT } from '../ts/model/gpt.js';
import { noGrad } from '../ts/tensor/tensor.js';
import { Rng } from '../ts/tensor/random.js';

const CONFIG = { nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257, blockSize: 256 };
const PROMPT = 64;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Prefill the prompt, then n greedy decode steps through the KV cache: tokens/s of the steps. */
function decodeRun(model: GPT, prompt: number[], n: number): number {
  const stepper = new CachedStepper(model, model.config.blockSize, PROMPT + n);
  try {
    let logits = stepper.prefill([prompt]);
    const t = performance.now();
    for (let i = 0; i < n; i++) logits = stepper.step(logits.map((l) => argmax(l)));
    return (n * 1000) / (performance.now() - t);
  } finally {
    stepper.free();
  }
}

function copyBandwidth(): number {
  const n = 64 * 1024 * 1024, src = new Float32Array(n).fill(1), dst = new Float32Array(n);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); dst.set(src); times.push(performance.now() - t); }
  return (n * 4) / (median(times) / 1000);
}

function pytorchRound(): number | null {
  const script = fileURLToPath(new URL('./reference/decode.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--model', 'gpt2-small', '--rounds', '1', '--warmup', '4', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) { console.error(`pytorch reference failed: ${r.stderr.trim().split('\n').at(-1)}`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!).tokens_per_s;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, new: { type: 'string' }, json: { type: 'boolean' }, pytorch: { type: 'boolean' } } });
  const rounds = Number(values.rounds ?? 5), NEW = Number(values.new ?? 64);
  const out = (o: object) => console.log(values.json ? JSON.stringify({ bench: 'bf16', ...o }) : Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`).join(' '));
  const be = await createBackend('wasm');
  const f32 = new GPT(be, CONFIG, { seed: 1 }).eval();
  const bf16 = new GPT(be, CONFIG, { init: false }).eval();
  be.write(bf16.params.data, be.read(f32.params.data));
  bf16.setWeightDtype('bf16');
  const rng = new Rng(7);
  const prompt = Array.from({ length: PROMPT }, () => Math.floor(rng.uniform() * CONFIG.vocabSize));

  // accuracy: the last position's logits of a 12-token prompt (decode path: ≤ 16 rows)
  const short = [prompt.slice(0, 12)];
  const [a, b] = [f32, bf16].map((m) => be.scope(() => noGrad(() => m.forward(short).logits.toArray())));
  let maxAbs = 0, sq = 0, agree = 0;
  const V = CONFIG.vocabSize;
  for (let i = 0; i < a.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i])); sq += a[i] * a[i]; }
  for (let t = 0; t < 12; t++) agree += +(argmax(a.subarray(t * V, (t + 1) * V)) === argmax(b.subarray(t * V, (t + 1) * V)));
  out({ logitsMaxAbsDiff: maxAbs, logitsRms: Math.sqrt(sq / a.length), argmaxAgree: `${agree}/12` });

  [f32, bf16].forEach((m) => decodeRun(m, prompt, 4)); // warm up
  const rate: Record<'f32' | 'bf16' | 'pytorch', number[]> = { f32: [], bf16: [], pytorch: [] }, copy: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? ['bf16', 'f32'] as const : ['f32', 'bf16'] as const) {
      rate[name].push(decodeRun(name === 'f32' ? f32 : bf16, prompt, NEW));
      out({ round: r, weights: name, tokensPerS: rate[name][r] });
    }
    copy.push(copyBandwidth());
    if (values.pytorch) {
      const p = pytorchRound();
      if (p !== null) { rate.pytorch.push(p); out({ round: r, weights: 'pytorch-f32', tokensPerS: p }); }
    }
  }
  // bytes per token: every weight once (bf16: the four matrices per block and wte at 2 bytes,
  // the rest at 4; wpe: one row), plus K and V of the cached positions (mean PROMPT + NEW/2)
  let matrices = 0, rest = 0;
  for (const [n, t] of f32.namedParameters()) {
    if (/\.(c_attn|c_proj|c_fc)\.weight$|^wte\.weight$/.test(n)) matrices += t.size; else if (n !== 'wpe.weight') rest += t.size;
  }
  const kv = 4 * 2 * CONFIG.nLayer * (PROMPT + NEW / 2) * CONFIG.nEmbd;
  const bytes = { f32: 4 * (matrices + rest + CONFIG.nEmbd) + kv, bf16: 2 * matrices + 4 * (rest + CONFIG.nEmbd) + kv };
  const frac = (name: 'f32' | 'bf16') => median(rate[name].map((t, i) => (t * bytes[name]) / copy[i]));
  out({
    summary: 'median', rounds, f32: median(rate.f32), bf16: median(rate.bf16), bf16OverF32: median(rate.bf16.map((x, i) => x / rate.f32[i])),
    ratioRange: `${Math.min(...rate.bf16.map((x, i) => x / rate.f32[i])).toFixed(2)}–${Math.max(...rate.bf16.map((x, i) => x / rate.f32[i])).toFixed(2)}`,
    mbPerTokenF32: bytes.f32 / 1e6, mbPerTokenBf16: bytes.bf16 / 1e6, copyGBps: median(copy) / 1e9, f32BandwidthFraction: frac('f32'), bf16BandwidthFraction: frac('bf16'),
  });
  if (rate.pytorch.length === rounds) {
    out({ summary: 'pytorch', pytorch: median(rate.pytorch), bf16OverPytorch: median(rate.bf16.map((x, i) => x / rate.pytorch[i])), f32OverPytorch: median(rate.f32.map((x, i) => x / rate.pytorch[i])) });
  }
  f32.free(); bf16.free();
}

await main();
