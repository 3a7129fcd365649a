// Interleaved A/B timing for the thread benches (threads.ts, matvec-split.ts): A B, then B A,
// round after round, in one process; the medians of each and the median of the per-round ratios
// A/B. This VM switches every few seconds between a fast mode and one ~1.7× slower, and other
// work shares its cores: a ratio taken within a round sees both sides under one condition.

import { readFileSync } from 'node:fs';
import type { Backend, Buf } from '../ts/backend/index.js';

export type Op = () => void | Promise<void>;
export interface Row { bench: string; shape: string; unit?: string; work?: number; bytes?: number }
export interface Result extends Row { threads: number; msOne: number; msThreads: number; speedup: number; ratioMin: number; ratioMax: number }

const SAMPLE_MS = 60;
export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
export const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';

async function time(op: Op, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await op();
  return (performance.now() - t0) / reps;
}
async function calibrate(op: Op): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < 200) await op(); // warm-up: V8 tiers the wasm up
  return Math.max(1, Math.ceil(SAMPLE_MS / Math.max(await time(op, 1), 1e-3)));
}

/** Interleaved rounds of A and B; prints (a line, or JSON with `json`) and returns the result. */
export async function compare(row: Row, a: Op, b: Op, o: { threads: number; rounds: number; json: boolean }): Promise<Result> {
  const reps = Math.max(await calibrate(a), await calibrate(b));
  const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    let x: number, y: number;
    if (r % 2 === 0) { x = await time(a, reps); y = await time(b, reps); } else { y = await time(b, reps); x = await time(a, reps); }
    ta.push(x); tb.push(y); ratio.push(x / y);
  }
  const res = { ...row, threads: o.threads, msOne: +median(ta).toFixed(4), msThreads: +median(tb).toFixed(4), speedup: +median(ratio).toFixed(3),
    ratioMin: +Math.min(...ratio).toFixed(3), ratioMax: +Math.max(...ratio).toFixed(3) };
  const gbs = (ms: number) => (row.bytes ? `${(row.bytes / ms / 1e6).toFixed(1).padStart(6)} GB/s` : '');
  if (o.json) console.log(JSON.stringify({ ...res, cpu }));
  else console.log(`${row.bench.padEnd(22)}${row.shape.padEnd(22)}${res.msOne.toPrecision(4).padStart(10)} ms${gbs(res.msOne)}${res.msThreads.toPrecision(4).padStart(10)} ms${gbs(res.msThreads)}` +
    `   ×${res.speedup.toFixed(2)} (rounds ${res.ratioMin.toFixed(2)}–${res.ratioMax.toFixed(2)})`);
  return res;
}

/** n seeded uniform values in [-0.5, 0.5) in a new buffer of `be`. */
export function rand(be: Backend, n: number, seed: number): Buf {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 32 - 0.5; }
  const b = be.alloc(n);
  be.write(b, x);
  return b;
}
