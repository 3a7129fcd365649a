// Ctrl-C and --resume through the alignment commands: a run interrupted by SIGINT saves its folder
// (weights, heads, optimizer state) and exits 130; `--resume` then ends with the same bits as a
// run that was never interrupted. Dropout is on, so the dropout counter must resume too.
// The signal is emitted in-process (process.emit), after the first step's output line: the
// command's handler runs exactly as for a real Ctrl-C (tests/cli/out-folder.test.ts sends real
// signals to a real process through the same handler), and the step it stops at is deterministic.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModelDir, saveRewardModelDir, VALUE_HEAD_FILE } from '../../ts/align/checkpoint-node.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { dpoCommand, rewardCommand, rlhfCommand, sftCommand, type CliIO } from '../../ts/cli/align/index.js';
import { readSafetensors } from '../../ts/io/safetensors.js';
import { GPT } from '../../ts/model/gpt.js';
import { testBackends } from '../helpers/backends.js';
import { tinyConfig } from './helpers.js';
import { PROMPTS, sftData, tok } from './world.js';

const be = (await testBackends()).at(-1)!;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glassgpt-align-resume-'));
  const model = new GPT(be, { ...tinyConfig(tok.vocabSize, 40), nEmbd: 32, dropout: 0.1 }, { seed: 11 });
  await saveModelDir(join(dir, 'base'), model, tok);
  await saveRewardModelDir(join(dir, 'rm'), new RewardModel(model, tok));
  model.free();
  await writeFile(join(dir, 'prompts.txt'), PROMPTS.join('\n') + '\n');
  await writeFile(join(dir, 'sft.jsonl'), sftData().map((c) => JSON.stringify({ prompt: c[0].content, response: c[1].content })).join('\n'));
  await writeFile(join(dir, 'prefs.jsonl'), PROMPTS.map((prompt) => JSON.stringify({ prompt, chosen: 'It was good.', rejected: 'It was bad.' })).join('\n'));
});

// Only the command's own handler may see the emitted SIGINT (not a test runner's).
let saved: NodeJS.SignalsListener[] = [];
beforeEach(() => { saved = process.listeners('SIGINT'); process.removeAllListeners('SIGINT'); });
afterEach(() => { process.removeAllListeners('SIGINT'); for (const l of saved) process.on('SIGINT', l); });

/** Runs a command; with `interruptAt`, emits SIGINT once the output reports that step. */
async function run(cmd: (argv: string[], io: CliIO) => Promise<number>, argv: string[], interruptAt?: number) {
  let err = '', sent = false;
  const io: CliIO = {
    out: (s) => {
      const step = /"(?:step|iteration)":(\d+)/.exec(s);
      if (interruptAt !== undefined && !sent && step && Number(step[1]) === interruptAt) { sent = true; process.emit('SIGINT', 'SIGINT'); }
    },
    err: (s) => { err += s; }, tty: false,
  };
  return { code: await cmd([...argv, '--json', '--backend', be.name], io), err: () => err };
}

/** Every tensor of a saved file, by name (metadata such as the save_id left out). */
async function weights(path: string): Promise<Map<string, number[]>> {
  const f = readSafetensors(new Uint8Array(await readFile(path)));
  return new Map([...f.tensors].map(([k, t]) => [k, Array.from(t.data)]));
}

const COMMANDS: Record<string, { cmd: (argv: string[], io: CliIO) => Promise<number>; argv: (out: string) => string[]; steps: number; files: string[] }> = {
  sft: { cmd: sftCommand, steps: 6, files: ['model.safetensors'],
    argv: (out) => ['--checkpoint', join(dir, 'base'), '--data', join(dir, 'sft.jsonl'), '--out', out, '--steps', '6', '--batch-size', '4'] },
  reward: { cmd: rewardCommand, steps: 6, files: ['model.safetensors', 'score.safetensors'],
    argv: (out) => ['train', '--checkpoint', join(dir, 'base'), '--data', join(dir, 'prefs.jsonl'), '--val-fraction', '0', '--out', out, '--steps', '6', '--batch-size', '2'] },
  dpo: { cmd: dpoCommand, steps: 6, files: ['model.safetensors'],
    argv: (out) => ['--checkpoint', join(dir, 'base'), '--data', join(dir, 'prefs.jsonl'), '--val-fraction', '0', '--out', out, '--steps', '6', '--batch-size', '2'] },
  ppo: { cmd: rlhfCommand, steps: 4, files: ['model.safetensors', VALUE_HEAD_FILE],
    argv: (out) => ['--algo', 'ppo', '--checkpoint', join(dir, 'base'), '--reward', join(dir, 'rm'), '--prompts', join(dir, 'prompts.txt'), '--out', out,
      '--iterations', '4', '--prompts-per-iteration', '2', '--max-tokens', '6', '--epochs', '2', '--kl-target', '1'] },
  grpo: { cmd: rlhfCommand, steps: 4, files: ['model.safetensors'],
    argv: (out) => ['--algo', 'grpo', '--checkpoint', join(dir, 'base'), '--reward', join(dir, 'rm'), '--prompts', join(dir, 'prompts.txt'), '--out', out,
      '--iterations', '4', '--prompts-per-iteration', '2', '--samples', '2', '--max-tokens', '6'] },
};

describe.each(Object.keys(COMMANDS))('%s', (name) => {
  const c = COMMANDS[name];
  it('Ctrl-C saves and exits 130; --resume ends with the bits of an uninterrupted run', async () => {
    const straight = join(dir, `${name}-straight`), broken = join(dir, `${name}-broken`);
    expect((await run(c.cmd, c.argv(straight))).code).toBe(0);

    const first = await run(c.cmd, c.argv(broken), 2);
    expect(first.code, first.err()).toBe(130);
    expect(first.err()).toContain('SIGINT: stopping after this step and saving');
    const midway = await weights(join(broken, 'model.safetensors'));
    expect(midway).not.toEqual(await weights(join(straight, 'model.safetensors'))); // it stopped early

    const resumed = await run(c.cmd, [...c.argv(broken), '--resume']);
    expect(resumed.code, resumed.err()).toBe(0);
    for (const f of c.files) expect(await weights(join(broken, f)), f).toEqual(await weights(join(straight, f)));
  });
});

it('--resume refuses a folder whose training state comes from another save', async () => {
  const a = join(dir, 'mix-a'), b = join(dir, 'mix-b');
  const argv = (out: string) => COMMANDS.sft.argv(out);
  expect((await run(sftCommand, argv(a))).code).toBe(0);
  expect((await run(sftCommand, argv(b))).code).toBe(0);
  await writeFile(join(a, 'train-state.safetensors'), await readFile(join(b, 'train-state.safetensors')));
  const r = await run(sftCommand, [...argv(a), '--resume']);
  expect(r.code).toBe(1);
  expect(r.err()).toMatch(/model\.safetensors and train-state\.safetensors come from different saves/);
});
