// Rollouts for RLHF (TRL's PPOTrainer rollout phase): K sampled responses per prompt from the
// policy through ts/generate's batched sampler, each with the token positions it occupies in a
// right-padded batch, then re-scored by one teacher-forced forward of the policy (old log-probs,
// values, entropy) and one of the frozen reference. Re-scoring rather than reusing the sampler's
// log-probs makes the first PPO ratio exactly 1 (same kernels, same batch layout).

import { inference } from '../model/inference.js';
import { generateBatch } from '../generate/generate.js';
import type { GPT } from '../model/gpt.js';
import { ENDOFTEXT } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { Sequence } from './batch.js';
import { chatIds, decodeResponse, encodePrompt } from './chat.js';
import { AlignError } from './errors.js';
import type { ScalarHead } from './head.js';
import { tokenLogprobTensor } from './logprobs.js';

export interface Rollout {
  prompt: string;
  /** Which prompt of the iteration (samples of one prompt form a GRPO group). */
  group: number;
  seq: Sequence; // prompt ids then response ids; train = 1 on the response
  response: number[]; // generated ids (the closing <|end|> included when it came)
  text: string; // the response's text
  finished: boolean; // ended with <|end|> rather than running out of tokens
  /** Batch positions t whose target is response token j (t = promptLength − 1 + j). */
  positions: number[];
}

export interface SampleOptions {
  maxTokens: number; // response length cap (lowered to what the longest prompt leaves of blockSize)
  temperature?: number; // default 1 (on-policy: the sampling distribution is π itself)
  seed: number;
}

/** K samples for each prompt, prompt-major. Chat role tokens and <|endoftext|> are banned so a
 *  response cannot open a new turn. */
export async function sampleRollouts(policy: GPT, tok: Tokenizer, prompts: readonly string[], K: number, o: SampleOptions): Promise<Rollout[]> {
  const c = chatIds(tok), eot = tok.specialTokens.get(ENDOFTEXT);
  const rows = prompts.map((p) => encodePrompt(tok, p));
  // the whole sequence must fit the context (no sliding window: the reward model and the
  // re-scoring forward see prompt + response at once), so the longest prompt caps the length
  const longest = Math.max(...rows.map((r) => r.length)), maxTokens = Math.min(o.maxTokens, policy.config.blockSize - longest);
  if (maxTokens < 1) throw new AlignError(`a prompt of ${longest} tokens leaves no room for a response in the model's blockSize ${policy.config.blockSize}`);
  // (generation runs the model through inference(): eval mode, no graph, the mode restored)
  const results = await generateBatch(policy, tok, rows, {
    numSamples: K, maxTokens, temperature: o.temperature ?? 1, seed: o.seed,
    endTokens: [c.end], bannedTokens: [c.user, c.assistant, ...(eot === undefined ? [] : [eot])],
    // the full-recompute reference path: at these lengths the cache saves little, and it keeps
    // the samples exactly those of the teacher-forced forward that re-scores them
    cache: false,
  });
  return results.flatMap((samples, g) => samples.map((s) => {
    const ids = [...rows[g], ...s.tokens];
    const train = new Uint8Array(ids.length).fill(1, rows[g].length);
    return {
      prompt: prompts[g], group: g, seq: { ids, train }, response: s.tokens, text: decodeResponse(tok, s.tokens),
      finished: s.tokens[s.tokens.length - 1] === c.end,
      positions: s.tokens.map((_, j) => rows[g].length - 1 + j),
    };
  }));
}

export interface TokenStats {
  logp: Float32Array[]; // per rollout, log π(token) per response token
  values: Float32Array[] | null; // per rollout, V(state before each response token)
  entropy: number; // mean entropy (nats) of π over the response positions
}

/** Teacher-forced per-token statistics of `model` on the rollouts (no graph). */
export function tokenStats(model: GPT, tok: Tokenizer, rollouts: readonly Rollout[], head: ScalarHead | null, batchSize = 32): TokenStats {
  const be = model.backend, pad = chatIds(tok).end, V = model.config.vocabSize;
  const logp: Float32Array[] = [], values: Float32Array[] = [];
  let hSum = 0, hCount = 0;
  inference(model, () => {
    for (let i = 0; i < rollouts.length; i += batchSize) {
      const part = rollouts.slice(i, i + batchSize);
      be.scope(() => {
        const out = tokenLogprobTensor(model, part.map((r) => r.seq), pad);
        const lp = out.logp.toArray(), T = out.batch.T;
        const v = head ? head.forward(out.hidden).toArray() : null;
        const logits = be.view(out.logits.data); // read-only, before any further allocation
        part.forEach((r, b) => {
          logp.push(Float32Array.from(r.positions, (t) => lp[b * T + t]));
          if (v) values.push(Float32Array.from(r.positions, (t) => v[b * T + t]));
          for (const t of r.positions) { hSum += entropy(logits, (b * T + t) * V, V); hCount++; }
        });
      });
    }
  });
  return { logp, values: head ? values : null, entropy: hCount ? hSum / hCount : 0 };
}

/** Entropy of softmax(logits[off … off+V)) in nats, in float64. */
function entropy(logits: ArrayLike<number>, off: number, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[off + v]);
  let z = 0, s = 0;
  for (let v = 0; v < V; v++) { const e = Math.exp(logits[off + v] - max); z += e; s += e * (logits[off + v] - max); }
  return Math.log(z) - s / z;
}
