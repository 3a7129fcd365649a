// `glassgpt sample`: load a checkpoint directory (model.safetensors with config and tokenizer in
// its metadata, as the trainer writes it) and generate from a prompt, optionally streaming.
// Exit codes: 0 ok, 1 failure (missing or corrupt checkpoint), 2 usage error (bad flag or value).
import { existsSync, statSync } from 'node:fs';
import { MAX_CHECKPOINT_BYTES, readFileLimited } from '../io/read-node.js';
import { join } from 'node:path';
import { choice, command, num, parse, stdio, UsageError, type CliIO } from './args.js';
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
export async function sampleCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('sample', USAGE, io, async () => {
    const v = parse(argv, {
      checkpoint: { type: 'string' }, prompt: { type: 'string' }, stop: { type: 'string', multiple: true },
      ...Object.fromEntries([...Object.keys(FLOATS), ...Object.keys(INTS)].map((k) => [k, { type: 'string' as const }])),
      stream: { type: 'boolean' }, json: { type: 'boolean' }, backend: { type: 'string' }, weights: { type: 'string' }, threads: { type: 'string' },
    }, ['checkpoint', 'prompt']);
    if (!v) { io.out(USAGE); return 0; }
    const backend = (v.backend as string | undefined) ?? 'auto';
    const weights = choice(v, 'weights', ['f32', 'bf16'], 'f32');
    const bad = backendProblem(backend) ?? threadsProblem(v.threads);
    if (bad) throw new UsageError(bad);
    const opts: GenerateOptions & Record<string, unknown> = {};
    const set = (key: string, x: number | undefined) => { if (x !== undefined) opts[key] = x; };
    for (const [flag, key] of Object.entries(FLOATS)) set(key, num(v, flag));
    for (const [flag, key] of Object.entries(INTS)) set(key, num(v, flag, { int: true, min: 0 }));
    if (v.stop) opts.stop = v.stop as string[];
    return sample(v.checkpoint as string, v.prompt as string, opts, { backend, weights, threads: v.threads, stream: v.stream === true, json: v.json === true }, io);
  });
}

interface Run { backend: string; weights: 'f32' | 'bf16'; threads: unknown; stream: boolean; json: boolean }

async function sample(checkpoint: string, prompt: string, opts: GenerateOptions, o: Run, io: CliIO): Promise<number> {
  const hf = isHfDir(checkpoint); // a Hugging Face GPT-2 folder (config.json, model.safetensors)
  const file = !hf && existsSync(checkpoint) && statSync(checkpoint).isDirectory() ? join(checkpoint, 'model.safetensors') : checkpoint;
  if (!existsSync(file)) throw new Error(`no checkpoint at ${JSON.stringify(file)} (expected DIR/model.safetensors)`);
  const be = await openBackend(o.backend as CliBackend, (e) => io.err(`glassgpt: wasm unavailable, using js: ${e.message}\n`),
    o.threads === undefined ? undefined : Number(o.threads));
  try {
    const { model, tokenizer } = hf ? await loadHf(be, checkpoint) : loadOwn(be, file);
    if (o.weights === 'bf16') model.setWeightDtype('bf16');
    const t0 = performance.now();
    let result;
    try {
      if (o.stream) {
        const it = stream(model, tokenizer, prompt, opts);
        let r = await it.next();
        for (; !r.done; r = await it.next()) {
          const { token, text, logprob } = r.value;
          if (o.json) io.out(JSON.stringify({ type: 'token', token, text, logprob }) + '\n');
          else if (text) io.out(text);
        }
        result = r.value;
        if (!o.json) io.out('\n');
      } else {
        result = await generate(model, tokenizer, prompt, opts);
        if (!o.json) io.out(result.text + '\n');
      }
    } catch (e) {
      // a sampler setting the generator refuses (e.g. --top-p 2) is the user's flag, not a failure
      if (e instanceof GenerateOptionsError) throw new UsageError(e.message.replace(/^generate: /, ''));
      throw e;
    } finally {
      model.free();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (o.json) {
      const { text, tokens, logprobs, finishReason, stop, seed, promptTokens } = result;
      io.out(JSON.stringify({ type: 'result', text, tokens, logprobs, finishReason, stop, seed, promptTokens: promptTokens.length, seconds: +seconds.toFixed(3), backend: be.name, threads: be.threads }) + '\n');
    } else {
      io.err(`[${result.finishReason}${result.stop !== undefined ? ` ${JSON.stringify(result.stop)}` : ''}, ${result.tokens.length} tokens, ${(result.tokens.length / seconds).toFixed(1)} tokens/s on ${be.name}${be.name === 'js' ? '' : ` (${be.threads} thread${be.threads === 1 ? '' : 's'})`}, seed ${result.seed}]\n`);
    }
    return 0;
  } finally {
    be.dispose();
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
