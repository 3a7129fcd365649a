// `glassgpt sample`: load a checkpoint directory (model.safetensors with config and tokenizer in
// its metadata, as the trainer writes it) and generate from a prompt, optionally streaming.
// Exit codes: 0 ok, 1 failure (missing or corrupt checkpoint), 2 usage error (bad flag or value).
import { existsSync, statSync } from 'node:fs';
import { MAX_CHECKPOINT_BYTES, readFileLimited } from '../io/read-node.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backendProblem, openBackend, threadsProblem, THREADS_HELP, type CliBackend } from './backend.js';
import { GenerateOptionsError } from '../generate/errors.js';
import { generate, stream } from '../generate/generate.js';
import type { GenerateOptions } from '../generate/options.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import { tokenizerFromJSON } from '../tokenizer/json.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { Backend } from '../backend/backend.js';
import type { GPT } from '../model/gpt.js';
import { isHfDir, loadHfDir } from '../hf/node.js';

/** Where the command writes; tests pass their own. */
export interface SampleIO {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: SampleIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const USAGE = `usage: glassgpt sample --checkpoint DIR --prompt TEXT [options]
  --temperature T        0 = greedy (default 1)
  --top-k K              keep the K most likely tokens (default off)
  --top-p P              nucleus, P in (0, 1] (default 1 = off)
  --min-p P              drop tokens below P × the top probability (default off)
  --repetition-penalty R CTRL penalty, R > 0 (default 1 = off)
  --stop S               stop string; repeat for several
  --max-tokens N         most tokens to generate (default 256)
  --seed S               PRNG seed (default random; printed)
  --stream               print the text as it is generated
  --json                 one JSON object per line
  --backend js|wasm|wasm-relaxed|auto (default auto)
  --weights f32|bf16     bf16: decode through 16-bit copies of the matrix weights (~2× on GPT-2 small)
  ${THREADS_HELP}
`;

const FLOATS = { temperature: 'temperature', 'top-p': 'topP', 'min-p': 'minP', 'repetition-penalty': 'repetitionPenalty' } as const;
const INTS = { 'top-k': 'topK', 'max-tokens': 'maxTokens', seed: 'seed' } as const;

/** Example: glassgpt sample --checkpoint out/ --prompt "ROMEO:" --temperature 0.8 --top-k 40 --stream */
export async function sampleCommand(argv: string[], io: SampleIO = stdio): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, strict: true, allowPositionals: false, options: {
        checkpoint: { type: 'string' }, prompt: { type: 'string' }, stop: { type: 'string', multiple: true },
        ...Object.fromEntries([...Object.keys(FLOATS), ...Object.keys(INTS)].map((k) => [k, { type: 'string' as const }])),
        stream: { type: 'boolean' }, json: { type: 'boolean' }, backend: { type: 'string' }, weights: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  const v = args.values as Record<string, string | string[] | boolean | undefined>;
  if (v.help) { io.out(USAGE); return 0; }
  if (typeof v.checkpoint !== 'string') return usage(io, 'missing --checkpoint DIR');
  if (typeof v.prompt !== 'string') return usage(io, 'missing --prompt TEXT');
  const backend = (v.backend as string | undefined) ?? 'auto';
  const badBackend = backendProblem(backend);
  if (badBackend) return usage(io, badBackend);
  const weights = (v.weights as string | undefined) ?? 'f32';
  if (weights !== 'f32' && weights !== 'bf16') return usage(io, `--weights must be f32 or bf16, got ${JSON.stringify(weights)}`);
  const badThreads = threadsProblem(v.threads);
  if (badThreads) return usage(io, badThreads);
  const opts: GenerateOptions & Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(FLOATS)) {
    const s = v[flag] as string | undefined;
    if (s === undefined) continue;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return usage(io, `--${flag} must be a number, got ${JSON.stringify(s)}`);
    opts[key] = Number(s);
  }
  for (const [flag, key] of Object.entries(INTS)) {
    const s = v[flag] as string | undefined;
    if (s === undefined) continue;
    if (!/^\d+$/.test(s)) return usage(io, `--${flag} must be a whole number, got ${JSON.stringify(s)}`);
    opts[key] = Number(s);
  }
  if (v.stop) opts.stop = v.stop as string[];

  const hf = isHfDir(v.checkpoint); // a Hugging Face GPT-2 folder (config.json, model.safetensors)
  const file = !hf && existsSync(v.checkpoint) && statSync(v.checkpoint).isDirectory() ? join(v.checkpoint, 'model.safetensors') : v.checkpoint;
  if (!existsSync(file)) return fail(io, `no checkpoint at ${JSON.stringify(file)} (expected DIR/model.safetensors)`);
  try {
    const be = await openBackend(backend as CliBackend, (e) => io.err(`glassgpt: wasm unavailable, using js: ${e.message}\n`),
      v.threads === undefined ? undefined : Number(v.threads));
    const { model, tokenizer } = hf ? await loadHf(be, v.checkpoint) : loadOwn(be, file);
    if (weights === 'bf16') model.setWeightDtype('bf16');
    const t0 = performance.now();
    let result;
    if (v.stream) {
      const it = stream(model, tokenizer, v.prompt, opts);
      let r = await it.next();
      for (; !r.done; r = await it.next()) {
        const { token, text, logprob } = r.value;
        if (v.json) io.out(JSON.stringify({ type: 'token', token, text, logprob }) + '\n');
        else if (text) io.out(text);
      }
      result = r.value;
      if (!v.json) io.out('\n');
    } else {
      result = await generate(model, tokenizer, v.prompt, opts);
      if (!v.json) io.out(result.text + '\n');
    }
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { text, tokens, logprobs, finishReason, stop, seed, promptTokens } = result;
      io.out(JSON.stringify({ type: 'result', text, tokens, logprobs, finishReason, stop, seed, promptTokens: promptTokens.length, seconds: +seconds.toFixed(3), backend: be.name, threads: be.threads }) + '\n');
    } else {
      io.err(`[${result.finishReason}${result.stop !== undefined ? ` ${JSON.stringify(result.stop)}` : ''}, ${result.tokens.length} tokens, ${(result.tokens.length / seconds).toFixed(1)} tokens/s on ${be.name}${be.name === 'js' ? '' : ` (${be.threads} thread${be.threads === 1 ? '' : 's'})`}, seed ${result.seed}]\n`);
    }
    model.free();
    be.dispose();
    return 0;
  } catch (e) {
    if (e instanceof GenerateOptionsError) return usage(io, e.message.replace(/^generate: /, ''));
    return fail(io, (e as Error).message);
  }
}

function loadOwn(be: Backend, file: string): { model: GPT; tokenizer: Tokenizer } {
  const { model, tokenizer } = loadCheckpoint(be, readFileLimited(file, MAX_CHECKPOINT_BYTES, 'checkpoint'));
  if (tokenizer === undefined) { model.free(); throw new Error(`checkpoint ${JSON.stringify(file)} has no tokenizer in its metadata`); }
  return { model, tokenizer: tokenizerFromJSON(tokenizer) };
}

async function loadHf(be: Backend, dir: string): Promise<{ model: GPT; tokenizer: Tokenizer }> {
  const { model, tokenizer } = await loadHfDir(be, dir);
  if (tokenizer === undefined) { model.free(); throw new Error(`${JSON.stringify(dir)} has no tokenizer.json or vocab.json + merges.txt`); }
  return { model, tokenizer };
}

function usage(io: SampleIO, message: string): number {
  io.err(`glassgpt sample: ${message}\n${USAGE}`);
  return 2;
}

function fail(io: SampleIO, message: string): number {
  io.err(`glassgpt sample: ${message}\n`);
  return 1;
}
