// Model benchmark: forward and forward+backward of nanoGPT's "baby GPT" (README CPU config:
// 4 layers, 4 heads, 128 embd, block 64, batch 12, vocab 65, dropout 0) on every available
// backend, with model FLOP/s from nanoGPT's estimate_mfu napkin math (6N + 12·L·H·Q·T per token).
// `npx tsx benches/model.ts [--rounds N] [--json]`; writes benches/results/model.md.
//
// Methodology: this machine flips between a fast mode and one ~1.7× slower, so the backends run
// interleaved within each round (js, wasm, js, wasm …) and we quote medians of the times and the
// median of the per-round ratios.

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from '../ts/backend/index.js';
import { GPT } from '../ts/model/index.js';
import { Rng } from '../ts/tensor/random.js';

const CONFIG = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true };
const B = 12, T = 64;

const args = process.argv.slice(2);
const json = args.includes('--json');
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Number(args[ri + 1]) : 7;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args[ri + 1]}`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };

// one fixed batch of random characters (the data does not change the work)
const rng = new Rng(0);
const batch = () => Array.from({ length: B }, () => Array.from({ length: T }, () => rng.nextU32() % CONFIG.vocabSize));
const ids = batch(), targets = batch();

interface Run { be: Backend; model: GPT; fwd: number[]; step: number[] }

function ms(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const backends: Backend[] = [await createBackend('js')];
try {
  backends.push(await createBackend('wasm', { threads: 1 })); // one thread: threads are benches/threads.ts's
} catch (e) {
  console.error(`model bench: wasm unavailable (${(e as Error).message}); timing js only`);
}
const runs: Run[] = backends.map((be) => ({ be, model: new GPT(be, CONFIG, { seed: 1 }), fwd: [], step: [] }));

const loadStart = loadavg()[0];
for (const r of runs) r.be.scope(() => r.model.forward(ids, targets).loss!.backward()); // warm-up (JIT, heap growth)
for (let round = 0; round < rounds; round++) {
  for (const r of runs) {
    r.fwd.push(ms(() => r.be.scope(() => r.model.forward(ids, targets).loss!.item())));
    r.step.push(ms(() => r.be.scope(() => {
      r.model.zeroGrad();
      const { loss } = r.model.forward(ids, targets);
      loss!.backward();
    })));
  }
  if (!json) process.stderr.write(`round ${round + 1}/${rounds}: ${runs.map((r) => `${r.be.name} ${r.step[round].toFixed(0)} ms`).join(', ')}\n`);
}

// nanoGPT estimate_mfu: N = parameters without wpe (wte counted once, it is the head too)
const m0 = runs[0].model;
const N = m0.numParams(), { nLayer: L, nHead: H, nEmbd: C } = CONFIG;
const flopsPerStep = (6 * N + 12 * L * H * (C / H) * T) * B * T;

const rows = runs.map((r) => {
  const step = median(r.step), fwd = median(r.fwd);
  const vsJs = r === runs[0] ? 1 : median(r.step.map((s, i) => runs[0].step[i] / s));
  return { backend: r.be.name, fwdMs: fwd, stepMs: step, gflops: flopsPerStep / (step / 1000) / 1e9, tokensPerSec: (B * T) / (step / 1000), speedupVsJs: vsJs, rounds };
});

if (json) {
  for (const row of rows) console.log(JSON.stringify({ bench: 'model', config: 'baby', ...row }));
} else {
  const lines = [
    '# Model benchmark: baby GPT forward and forward+backward',
    '',
    `Config: nanoGPT baby (nLayer ${L}, nHead ${H}, nEmbd ${C}, blockSize ${T}, vocab ${CONFIG.vocabSize}, bias, dropout 0), batch ${B} × ${T} tokens, ${(N / 1e6).toFixed(3)} M parameters (without wpe).`,
    `${rounds} interleaved rounds after one warm-up; medians; "vs js" is the median of per-round ratios. Model FLOPs per step (nanoGPT estimate_mfu): ${(flopsPerStep / 1e9).toFixed(2)} GFLOP.`,
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, \`npx tsx benches/model.ts\`; 1-minute load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (2 cores shared with other work).`,
    '',
    '| backend | forward (ms) | forward+backward (ms) | model GFLOP/s | tokens/s | vs js |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.backend} | ${r.fwdMs.toFixed(1)} | ${r.stepMs.toFixed(1)} | ${r.gflops.toFixed(2)} | ${r.tokensPerSec.toFixed(0)} | ${r.speedupVsJs.toFixed(2)}× |`),
    '',
  ];
  console.log(lines.join('\n'));
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'model.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join('\n'));
}
for (const r of runs) r.model.free();
