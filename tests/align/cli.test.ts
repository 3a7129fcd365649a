// The alignment commands end to end on a tiny checkpoint: `label` driven through stdin (a bad
// ranking is asked again, skip and quit work, the JSONL is valid), `label --scripted`, then
// `sft`, `reward train`, `rlhf --algo ppo|grpo` and `dpo` each save a loadable folder and print
// one JSON object per line with --json; bad arguments exit 2, bad data exit 1 naming the line.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { testBackends } from '../helpers/backends.js';
import { saveModelDir, loadChatModel, loadRewardModelDir } from '../../ts/align/checkpoint-node.js';
import { parsePreferenceJsonl } from '../../ts/align/preference-data.js';
import { sftCommand, rewardCommand, rlhfCommand, dpoCommand, labelCommand } from '../../ts/cli/align/index.js';
import { PROMPTS, sftData, sftModel, tok } from './world.js';

const be = (await testBackends()).at(-1)!;
const backend = ['--backend', be.name];
let dir: string;

function capture(input?: PassThrough, onOut?: (s: string) => void) {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s: string) => { out.push(s); onOut?.(s); }, err: (s: string) => err.push(s), input, tty: false } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glassgpt-align-'));
  const model = sftModel(be, 60);
  await saveModelDir(join(dir, 'sft'), model, tok, { stage: 'test' });
  model.free();
  await writeFile(join(dir, 'prompts.txt'), PROMPTS.join('\n') + '\n');
  await writeFile(join(dir, 'sft.jsonl'), sftData().map((c) => JSON.stringify({ prompt: c[0].content, response: c[1].content })).join('\n'));
});

describe('glassgpt label', () => {
  it('shows K samples, re-asks on a bad ranking, records valid rankings, honours skip and quit', async () => {
    const input = new PassThrough();
    let asked = 0, shown = 0;
    const c = capture(input, (s) => {
      const m = s.match(/^\s+(\d+)\) /gm);
      if (m) shown = m.length;
      if (!s.startsWith('Rank best to worst')) return;
      asked++;
      // 1st prompt: an invalid answer, then best-first as shown reversed; 2nd: skip; 3rd: quit
      const answers = ['1 1', Array.from({ length: shown }, (_, i) => shown - i).join(' '), 's', 'q'];
      input.write(answers[asked - 1] + '\n');
    });
    const outFile = join(dir, 'human.jsonl');
    const code = await labelCommand(['--checkpoint', join(dir, 'sft'), '--prompts', join(dir, 'prompts.txt'), '--samples', '6', '--out', outFile, ...backend], c.io);
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    const text = c.out.join('');
    expect(text).toContain('Prompt 1/4: How was it?');
    expect(text).toContain('"1 1" is not a ranking');
    expect(text).toMatch(/saved 1 ranking to .*\(1 skipped\)/);
    const lines = (await readFile(outFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]);
    expect(rec.prompt).toBe('How was it?');
    expect(rec.ranking).toEqual(Array.from({ length: rec.responses.length }, (_, i) => rec.responses.length - 1 - i));
    expect(parsePreferenceJsonl(lines[0]).length).toBe((rec.responses.length * (rec.responses.length - 1)) / 2);
  });

  it('--scripted ranks with the labeler, one JSON object per line with --json', async () => {
    const c = capture();
    const code = await labelCommand(['--checkpoint', join(dir, 'sft'), '--prompts', join(dir, 'prompts.txt'), '--samples', '8', '--out', join(dir, 'prefs.jsonl'), '--scripted', '--json', ...backend], c.io);
    expect(code).toBe(0);
    const events = c.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: 'done', saved: 4 });
    expect(parsePreferenceJsonl(await readFile(join(dir, 'prefs.jsonl'), 'utf8')).length).toBeGreaterThan(20);
  });
});

describe('training commands', () => {
  it('sft, reward train, rlhf (ppo, grpo) and dpo save loadable folders', async () => {
    const j = (c: ReturnType<typeof capture>) => c.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    let c = capture();
    expect(await sftCommand(['--checkpoint', join(dir, 'sft'), '--data', join(dir, 'sft.jsonl'), '--out', join(dir, 'sft2'), '--steps', '3', '--val-fraction', '0.2', '--eval-interval', '3', '--json', ...backend], c.io)).toBe(0);
    expect(j(c).at(-1)).toMatchObject({ type: 'done', steps: 3 });
    expect(j(c)[2].valLoss).toBeGreaterThan(0);
    (await loadChatModel(be, join(dir, 'sft2'))).model.free();

    c = capture();
    expect(await rewardCommand(['train', '--checkpoint', join(dir, 'sft'), '--data', join(dir, 'prefs.jsonl'), '--val', join(dir, 'prefs.jsonl'),
      '--out', join(dir, 'rm'), '--steps', '3', '--json', ...backend], c.io)).toBe(0);
    const done = j(c).at(-1);
    const rm = await loadRewardModelDir(be, join(dir, 'rm'));
    // the reported held-out accuracy is the saved model's own, on the pairs given with --val
    const valPairs = parsePreferenceJsonl(await readFile(join(dir, 'prefs.jsonl'), 'utf8'), 'prefs.jsonl');
    expect(done.valPairs).toBe(valPairs.length);
    expect(done.valAccuracy).toBe(rm.pairAccuracy(valPairs));
    expect(rm.score([{ prompt: 'How was it?', response: 'It was good.' }])[0]).toBeTypeOf('number');
    rm.free();

    // PPO with a fixed β; GRPO holding KL at a target (horizon = its 4 responses: gain 1) with PPO-ptx on the SFT set
    const extra = { ppo: ['--kl-coef', '0.1'], grpo: ['--kl-coef', '0.1', '--kl-target', '0.5', '--kl-horizon', '4', '--ptx-data', join(dir, 'sft.jsonl'), '--ptx-coef', '0.5'] };
    for (const algo of ['ppo', 'grpo'] as const) {
      c = capture();
      expect(await rlhfCommand(['--algo', algo, '--checkpoint', join(dir, 'sft'), '--reward', join(dir, 'rm'), '--prompts', join(dir, 'prompts.txt'),
        '--out', join(dir, algo), '--iterations', '2', '--prompts-per-iteration', '2', '--samples', '2', '--judge', 'afinn', ...extra[algo], '--json', ...backend], c.io)).toBe(0);
      const ev = j(c);
      expect(ev[0]).toMatchObject({ type: 'iteration', algo, iteration: 1, klCoef: 0.1 });
      for (const k of ['reward', 'kl', 'entropy', 'clipFrac', 'judge', 'repetition']) expect(ev[0][k]).toBeTypeOf('number');
      if (algo === 'ppo') {
        expect(ev[0].valueLoss).toBeTypeOf('number');
        expect(ev[1].klCoef).toBe(0.1);
        expect(ev[0].ptxLoss).toBe(0);
      } else {
        const e = Math.max(-0.2, Math.min(0.2, (ev[0].kl - 0.5) / 0.5));
        expect(ev[1].klCoef).toBeCloseTo(0.1 * (1 + e), 12);
        expect(ev[0].ptxLoss).toBeGreaterThan(0);
      }
      (await loadChatModel(be, join(dir, algo))).model.free();
    }

    c = capture();
    expect(await dpoCommand(['--checkpoint', join(dir, 'sft'), '--data', join(dir, 'prefs.jsonl'), '--out', join(dir, 'dpo'), '--steps', '2', '--beta', '0.2', ...backend], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/2\/2 loss/);
    expect(c.out.join('')).toMatch(/held-out margin/);

    c = capture();
    expect(await dpoCommand(['--checkpoint', join(dir, 'sft'), '--data', join(dir, 'prefs.jsonl'), '--out', join(dir, 'ipo'), '--steps', '2', '--beta', '1',
      '--variant', 'ipo', '--ptx-data', join(dir, 'sft.jsonl'), '--json', ...backend], c.io)).toBe(0);
    expect(j(c)[0].ptxLoss).toBeGreaterThan(0);
    expect(j(c).at(-1)).toMatchObject({ type: 'done', beta: 1, variant: 'ipo' });
  });

  it('bad arguments exit 2 with the usage; bad data exits 1 naming the line', async () => {
    const cases: [typeof sftCommand, string[], RegExp][] = [
      [sftCommand, ['--checkpoint', 'x', '--data', 'y', '--out', 'z', '--bogus'], /Unknown option '--bogus'[\s\S]*usage: glassgpt sft/],
      [sftCommand, ['--checkpoint', 'x', '--data', 'y'], /missing --out/],
      [sftCommand, ['--checkpoint', 'x', '--data', 'y', '--out', 'z', '--steps', '1.5'], /--steps must be an integer ≥ 1, got "1.5"/],
      [rlhfCommand, ['--algo', 'reinforce', '--checkpoint', 'x', '--reward', 'r', '--prompts', 'p', '--out', 'o'], /--algo must be ppo or grpo/],
      [rewardCommand, ['fit'], /unknown subcommand "fit"/],
      [dpoCommand, ['--checkpoint', 'x', '--data', 'y', '--out', 'z', '--beta', '0'], /--beta must be a number > 0/],
      [dpoCommand, ['--checkpoint', 'x', '--data', 'y', '--out', 'z', '--variant', 'kto'], /--variant must be sigmoid or ipo, got "kto"/],
      [rlhfCommand, ['--algo', 'ppo', '--checkpoint', 'x', '--reward', 'r', '--prompts', 'p', '--out', 'o', '--ptx-coef', '1'], /--ptx-coef needs --ptx-data/],
      [rlhfCommand, ['--algo', 'grpo', '--checkpoint', 'x', '--reward', 'r', '--prompts', 'p', '--out', 'o', '--kl-target', '0'], /--kl-target must be a number > 0/],
      [labelCommand, ['--checkpoint', 'x', '--prompts', 'p', '--out', 'o', '--samples', '1'], /--samples must be an integer ≥ 2/],
    ];
    for (const [cmd, argv, re] of cases) {
      const c = capture();
      expect(await cmd(argv, c.io)).toBe(2);
      expect(c.err.join('')).toMatch(re);
    }
    await writeFile(join(dir, 'bad.jsonl'), '{"prompt":"a","responses":["x","y"],"ranking":[1,0]}\n{"prompt":"a","responses":["x","y"],"ranking":[1,1]}\n');
    const c = capture();
    expect(await rewardCommand(['train', '--checkpoint', join(dir, 'sft'), '--data', join(dir, 'bad.jsonl'), '--out', join(dir, 'rm2'), ...backend], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/bad\.jsonl:2: "ranking" must be a permutation/);
    const d = capture();
    expect(await sftCommand(['--checkpoint', join(dir, 'nope'), '--data', join(dir, 'sft.jsonl'), '--out', join(dir, 'o'), ...backend], d.io)).toBe(1);
    expect(d.err.join('')).toMatch(/no checkpoint in/);
  });
});
