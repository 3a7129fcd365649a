// Node-only: a training checkpoint folder. model.safetensors holds the weights in the GPT-2
// layout with config and tokenizer (it loads in PyTorch and in `glassgpt sample`);
// train-state.safetensors holds what a resume needs. Both carry the step.
//
// A save survives a crash at any instant (a two-phase commit, recovered by recover-node.ts):
//   1. both files are written complete as X.next (each: exclusive temp file, fsync, rename);
//      a crash here leaves the previous pair untouched and the partial .next is discarded;
//   2. once both .next files exist with the same step the save is committed: they are renamed
//      over the live names (state first, then model); a crash between the two renames is rolled
//      forward on resume, because model.next still holds the weights of the state's step.
// Nothing non-finite is ever written: saveCheckpoint and writeTrainState refuse it.

import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { isHfDir, loadHfDir } from '../hf/node.js';
import { FileReadError, MAX_CHECKPOINT_BYTES, readFileLimited } from '../io/read-node.js';
import { syncDir, writeFileAtomic } from '../io/save-node.js';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint.js';
import type { GPT } from '../model/gpt.js';
import type { Trainer } from './trainer.js';
import { TrainStateError } from './state.js';
import { MODEL_FILE, NEXT, STATE_FILE, prepareCheckpointDir, recoverCheckpoint } from './recover-node.js';

export { MODEL_FILE, STATE_FILE, recoverCheckpoint, prepareCheckpointDir };

export async function saveTrainingCheckpoint(dir: string, trainer: Trainer, tokenizerJSON?: string): Promise<void> {
  // serialised first: a non-finite weight or moment throws here, before the disk is touched
  const state = trainer.saveState();
  const model = saveCheckpoint(trainer.model, { tokenizer: tokenizerJSON, metadata: { step: String(trainer.step) } });
  await prepareCheckpointDir(dir);
  await writeFileAtomic(join(dir, STATE_FILE + NEXT), state);
  await writeFileAtomic(join(dir, MODEL_FILE + NEXT), model);
  // committed: both complete files of this step exist; now make them the live pair
  await rename(join(dir, STATE_FILE + NEXT), join(dir, STATE_FILE));
  await rename(join(dir, MODEL_FILE + NEXT), join(dir, MODEL_FILE));
  await syncDir(dir);
}

/** The model (and tokenizer JSON) of a checkpoint folder: glassgpt's, after recovering an
 *  interrupted save, or a Hugging Face GPT-2 folder (it has config.json; see hf/load.ts). */
export async function loadModelDir(backend: Backend, dir: string): Promise<{ model: GPT; tokenizer?: string; step: number; metadata: Record<string, string> }> {
  if (isHfDir(dir)) {
    const { model, tokenizer } = await loadHfDir(backend, dir);
    return { model, tokenizer: tokenizer && JSON.stringify(tokenizer.toJSON()), step: 0, metadata: {} };
  }
  await recoverCheckpoint(dir);
  let bytes: Uint8Array;
  try {
    bytes = readFileLimited(join(dir, MODEL_FILE), MAX_CHECKPOINT_BYTES, 'checkpoint');
  } catch (e) {
    throw new FileReadError(`no checkpoint in ${dir}: ${(e as Error).message}`);
  }
  const { model, tokenizer, metadata } = loadCheckpoint(backend, bytes);
  return { model, tokenizer, step: Number(metadata.step ?? 0), metadata };
}

/** Restores the trainer's optimizer/step/RNG from dir; its model must hold dir's weights. */
export async function loadTrainerState(dir: string, trainer: Trainer, modelStep: number): Promise<void> {
  trainer.loadState(readFileLimited(join(dir, STATE_FILE), MAX_CHECKPOINT_BYTES, 'training state'));
  if (trainer.step !== modelStep) {
    throw new TrainStateError(`checkpoint ${dir} is inconsistent: weights are from step ${modelStep}, the optimizer state from step ${trainer.step}; ` +
      `no complete newer save exists to recover: start over with --force, or sample from ${MODEL_FILE} alone`);
  }
}
