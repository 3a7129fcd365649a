// Node-only: a training checkpoint folder. model.safetensors holds the weights in the GPT-2
// layout with config and tokenizer (it loads in PyTorch and in `glassgpt sample`);
// train-state.safetensors holds what a resume needs. Each file is written atomically (temp file,
// fsync, rename) and both carry the step, so a crash between the two renames is detected on
// load instead of resuming from a mismatched pair.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { isHfDir, loadHfDir } from '../hf/node.js';
import { writeFileAtomic } from '../io/save-node.js';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint.js';
import type { GPT } from '../model/gpt.js';
import type { Trainer } from './trainer.js';
import { TrainStateError } from './state.js';

export const MODEL_FILE = 'model.safetensors';
export const STATE_FILE = 'train-state.safetensors';

export async function saveTrainingCheckpoint(dir: string, trainer: Trainer, tokenizerJSON?: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const metadata = { step: String(trainer.step) };
  await writeFileAtomic(join(dir, STATE_FILE), trainer.saveState());
  await writeFileAtomic(join(dir, MODEL_FILE), saveCheckpoint(trainer.model, { tokenizer: tokenizerJSON, metadata }));
}

/** The model (and tokenizer JSON) of a checkpoint folder: glassgpt's, or a Hugging Face GPT-2
 *  folder (it has config.json; see hf/load.ts). */
export async function loadModelDir(backend: Backend, dir: string): Promise<{ model: GPT; tokenizer?: string; step: number }> {
  if (isHfDir(dir)) {
    const { model, tokenizer } = await loadHfDir(backend, dir);
    return { model, tokenizer: tokenizer && JSON.stringify(tokenizer.toJSON()), step: 0 };
  }
  const bytes = await readFile(join(dir, MODEL_FILE)).catch((e) => {
    throw new Error(`no checkpoint in ${dir}: cannot read ${MODEL_FILE} (${(e as Error).message})`);
  });
  const { model, tokenizer, metadata } = loadCheckpoint(backend, bytes);
  return { model, tokenizer, step: Number(metadata.step ?? 0) };
}

/** Restores the trainer's optimizer/step/RNG from dir; its model must hold dir's weights. */
export async function loadTrainerState(dir: string, trainer: Trainer, modelStep: number): Promise<void> {
  trainer.loadState(await readFile(join(dir, STATE_FILE)));
  if (trainer.step !== modelStep) {
    throw new TrainStateError(`checkpoint ${dir} is inconsistent: weights are from step ${modelStep}, the optimizer state from step ${trainer.step}`);
  }
}
