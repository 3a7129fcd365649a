// Alignment folders of two files (issue 16, problem 3 beyond `train`): a reward model's GPT and
// score head carry one save_id, so a crash between their two renames (or a second run into the
// same folder) is refused on load instead of scoring with another model's head.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../ts/backend/index.js';
import { loadRewardModelDir, saveRewardModelDir, SCORE_FILE } from '../../ts/align/checkpoint-node.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { writeFileAtomic } from '../../ts/io/save-node.js';
import { GPT } from '../../ts/model/gpt.js';
import { tinyConfig } from './helpers.js';
import { tok } from './world.js';

const be = await createBackend('js');

describe('reward model folders', () => {
  it('load when both files are from one save; refuse a head from another save', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-rm-pair-'));
    const rm = new RewardModel(new GPT(be, tinyConfig(tok.vocabSize, 16), { seed: 1 }), tok);
    await saveRewardModelDir(dir, rm);
    (await loadRewardModelDir(be, dir)).free();
    // the crash: a second save's head was renamed into place, its GPT never was
    const other = new RewardModel(new GPT(be, tinyConfig(tok.vocabSize, 16), { seed: 2 }), tok);
    await writeFileAtomic(join(dir, SCORE_FILE), other.head.save({ save_id: 'a-later-save' }));
    await expect(loadRewardModelDir(be, dir)).rejects.toThrow(/model\.safetensors and score\.safetensors come from different saves .*"a-later-save".*train the reward model again into a fresh --out/);
    rm.free(); other.free();
  });
});
