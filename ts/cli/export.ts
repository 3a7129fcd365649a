// `glassgpt export --format hf`: a checkpoint folder (glassgpt's, or an HF folder) written as a
// Hugging Face GPT-2 folder that GPT2LMHeadModel.from_pretrained / AutoTokenizer.from_pretrained
// read: the way a model trained here continues in PyTorch / transformers (hf/export.ts).

import { saveHfDir } from '../hf/node.js';
import { loadModelDir } from '../train/checkpoint-node.js';
import { tokenizerFromJSON } from '../tokenizer/json.js';
import { command, parse, stdio, UsageError, type CliIO } from './args.js';
import { backendOf } from './backend.js';

const USAGE = `usage: glassgpt export --format hf --checkpoint DIR --out DIR [--backend auto|js|wasm] [--json]
  writes config.json, model.safetensors (F32, "transformer." names, Conv1D [in, out]) and, for a
  BPE tokenizer, vocab.json, merges.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json
`;

export async function exportCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('export', USAGE, io, async () => {
    const v = parse(argv, { json: { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' }, format: { type: 'string' }, checkpoint: { type: 'string' }, out: { type: 'string' } }, ['format', 'checkpoint', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    if (v.format !== 'hf') throw new UsageError(`--format must be "hf" (a Hugging Face GPT-2 folder), got ${JSON.stringify(v.format)}`);
    const be = await backendOf(v);
    const { model, tokenizer } = await loadModelDir(be, v.checkpoint as string);
    try {
      const notes = await saveHfDir(v.out as string, model, tokenizer === undefined ? undefined : tokenizerFromJSON(tokenizer));
      if (v.json) io.out(JSON.stringify({ type: 'done', out: v.out, notes }) + '\n');
      else io.out([`wrote ${v.out} (GPT-2 layout, ${(model.numParams(false) / 1e6).toFixed(2)} M parameters)`, ...notes.map((n) => `note: ${n}`)].join('\n') + '\n');
    } finally {
      model.free();
    }
    return 0;
  });
}
