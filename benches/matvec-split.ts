// Why a decode product gains or loses on two threads: the matvec shapes 1×k×n of a GPT-2-small
// decode step (k, n in {768, 1024, 2304, 3072}, W [k, n] or Wᵀ [n, k]) on one thread (A, the
// simd build) against every call split in two by output columns (B, the threads build with
// splitScale 0), interleaved (interleave.ts), printing each side's GB/s of W read.
// `hot`: the same W every call (it stays in the caches, as in benches/threads.ts's rows);
// `cold`: calls rotate over copies of W totalling ≥ 96 MiB, so W comes from memory as in a real
// decode step (GPT-2 small reads ~500 MB of weights per token). Then two streams: W of
// 1×768×50257 (154 MB) as x·Wᵀ (each thread one contiguous half) and as x·W (each thread half of
// every 200 KB row): what one and two threads can pull from memory.
// `npx tsx benches/matvec-split.ts [--rounds 5] [--json] [--quiet 1.2] [--only hot|cold|stream]`

import { availableParallelism, loadavg } from 'node:os';
import type { Backend, Buf } from '../ts/backend/index.js';
import { createWasmBackend } from '../ts/backend/wasm/index.js';
import { compare, cpu, rand, type Op } from './interleave.js';
import { waitForQuiet } from './quiet.js';

const args = process.argv.slice(2);
const flag = (name: string, def: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const ROUNDS = flag('rounds', 5), json = args.includes('--json'), quietBelow = flag('quiet', 0);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : ''; // hot, cold or stream: that group alone
const SIZES = [768, 1024, 2304, 3072];
const COLD_BYTES = 96 << 20;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const opts = { threads: 2, rounds: ROUNDS, json };

if (quietBelow > 0) await waitForQuiet({ below: quietBelow });
const one = await createWasmBackend(undefined, 'simd');
const split = await createWasmBackend(undefined, 'threads', { threads: 2, splitScale: 0 }); // every call in two parts
const loadBefore = load();
if (!json) console.log(`${cpu}, ${availableParallelism()} cores, Node ${process.versions.node}; A = 1 thread, B = split in 2 by output columns; load before: ${loadBefore}`);

const held: [Backend, Buf][] = []; // freed after each row: the cold copies are ~100 MB a backend
const freeHeld = () => { for (const [be, b] of held.splice(0)) be.free(b); };

/** x·op(W) for 1×k×n; `copies` Ws used in turn (1 = hot). */
const matvec = (k: number, n: number, tB: boolean, copies: number) => (be: Backend): Op => {
  const x = rand(be, k, 1), o = be.alloc(n);
  const ws: Buf[] = Array.from({ length: copies }, (_, i) => rand(be, k * n, 2 + i));
  for (const b of [x, o, ...ws]) held.push([be, b]);
  let i = 0;
  return () => { be.matmul(o, x, ws[i], null, 1, 1, k, n, false, tB, false); i = (i + 1) % copies; };
};

for (const temp of (['hot', 'cold'] as const).filter((t) => !only || only === t)) {
  for (const tB of [false, true]) {
    for (const k of SIZES) for (const n of SIZES) {
      const bytes = 4 * k * n, copies = temp === 'hot' ? 1 : Math.ceil(COLD_BYTES / bytes);
      const make = matvec(k, n, tB, copies);
      await compare({ bench: `matvec ${temp}${tB ? ' Wᵀ' : ' W'}`, shape: `1×${k}×${n}`, work: k * n, bytes },
        make(one), make(split), opts);
      freeHeld();
    }
  }
}
for (const tB of !only || only === 'stream' ? [true, false] : []) {
  const [k, n] = [768, 50257];
  const make = matvec(k, n, tB, 1);
  await compare({ bench: `stream${tB ? ' Wᵀ' : ' W'}`, shape: `1×${k}×${n}`, work: k * n, bytes: 4 * k * n }, make(one), make(split), opts);
  freeHeld();
}
const loadAfter = load();
if (json) console.log(JSON.stringify({ bench: 'conditions', cpu, cores: availableParallelism(), loadBefore, loadAfter, rounds: ROUNDS }));
else console.log(`load after: ${loadAfter}`);
split.dispose();
