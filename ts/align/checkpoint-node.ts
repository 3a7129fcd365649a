// Node-only: alignment checkpoint folders, laid out like `train`'s. model.safetensors is always a
// plain GPT-2-layout checkpoint with config and tokenizer JSON in its metadata (it loads in
// `glassgpt sample` and in PyTorch); a reward model adds score.safetensors (HF
// GPT2ForSequenceClassification's `score.weight`), a PPO policy adds value-head.safetensors.
// Every file is written atomically (temp file + rename).

import { mkdir } from 'node:fs/promises';
import { MAX_CHECKPOINT_BYTES, readFileLimited } from '../io/read-node.js';
import { readSafetensorsHeader } from '../io/safetensors.js';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { writeFileAtomic } from '../io/save-node.js';
import { saveCheckpoint } from '../model/checkpoint.js';
import type { GPT } from '../model/gpt.js';
import { isHfDir } from '../hf/node.js';
import { resizeTokenEmbeddings } from '../model/resize.js';
import { BpeTokenizer } from '../tokenizer/bpe.js';
import { tokenizerFromJSON } from '../tokenizer/json.js';
import { CHAT_TOKENS } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { loadModelDir, MODEL_FILE, STATE_FILE } from '../train/checkpoint-node.js';
import { peekMetadata } from '../train/recover-node.js';
import { AlignError } from './errors.js';
import { chatIds } from './chat.js';
import { ScalarHead } from './head.js';
import { RewardModel } from './reward-model.js';

export const SCORE_FILE = 'score.safetensors';
export const VALUE_HEAD_FILE = 'value-head.safetensors';

/** Writes dir/model.safetensors with the tokenizer and `metadata` (e.g. stage, step). */
export async function saveModelDir(dir: string, model: GPT, tok: Tokenizer, metadata: Record<string, string> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, MODEL_FILE), saveCheckpoint(model, { tokenizer: JSON.stringify(tok.toJSON()), metadata }));
}

/** A chat model and its tokenizer from a checkpoint folder (the tokenizer must have the chat
 *  tokens and fit the model's vocabulary). */
export async function loadChatModel(be: Backend, dir: string): Promise<{ model: GPT; tokenizer: Tokenizer; metadata: Record<string, string> }> {
  const loaded = await loadModelDir(be, dir);
  const { tokenizer, metadata } = loaded;
  let { model } = loaded;
  if (tokenizer === undefined) { model.free(); throw new AlignError(`checkpoint ${dir} has no tokenizer in ${MODEL_FILE}; alignment needs the tokenizer it was trained with`); }
  let tok = tokenizerFromJSON(tokenizer);
  if (isHfDir(dir)) ({ model, tok } = withChatTokens(model, tok)); // a pretrained GPT-2 has no chat tokens
  if (tok.vocabSize > model.config.vocabSize) { model.free(); throw new AlignError(`checkpoint ${dir}: the tokenizer has ${tok.vocabSize} ids, the model only ${model.config.vocabSize}`); }
  chatIds(tok); // throws naming the missing chat token
  return { model, tokenizer: tok, metadata };
}

// A folder of two files is written in two renames; a crash between them (or a re-run into the
// same folder) could pair a new GPT with an old head. Both files carry one save_id, and the
// loader refuses a pair whose ids differ instead of scoring with the wrong head.
let saves = 0;
const newSaveId = () => `${Date.now().toString(36)}-${process.pid}-${++saves}`;

/** A Hugging Face model's tokenizer with the chat tokens it lacks added after its ids, and the
 *  model's vocabulary grown to fit them when needed (resize_token_embeddings). */
function withChatTokens(model: GPT, tok: Tokenizer): { model: GPT; tok: Tokenizer } {
  if (CHAT_TOKENS.every((t) => tok.specialTokens.has(t))) return { model, tok };
  if (!(tok instanceof BpeTokenizer)) return { model, tok };
  const grown = tok.withSpecialTokens(CHAT_TOKENS);
  if (grown.vocabSize <= model.config.vocabSize) return { model, tok: grown };
  const bigger = resizeTokenEmbeddings(model, grown.vocabSize);
  model.free();
  return { model: bigger, tok: grown };
}

/** A trainer whose optimizer state a run folder keeps (train/loop.ts), so `--resume` continues it. */
export interface Resumable {
  saveState(metadata?: Record<string, string>): Uint8Array;
  loadState(bytes: Uint8Array): void;
}

/** Writes a folder whose files belong together: each carries one save_id and the model goes
 *  last, so a reader can tell a complete save from a crash half-way (or two runs in one folder). */
async function saveTogether(dir: string, model: GPT, tok: Tokenizer, parts: [file: string, bytes: (meta: Record<string, string>) => Uint8Array][],
  metadata: Record<string, string>, trainer?: Resumable): Promise<void> {
  const save_id = newSaveId();
  await mkdir(dir, { recursive: true });
  if (trainer) parts = [...parts, [STATE_FILE, (meta) => trainer.saveState(meta)]];
  for (const [file, bytes] of parts) await writeFileAtomic(join(dir, file), bytes({ save_id }));
  await saveModelDir(dir, model, tok, { ...metadata, save_id });
}

/** Writes a reward model: model.safetensors plus its score head (and the trainer's state). */
export async function saveRewardModelDir(dir: string, rm: RewardModel, metadata: Record<string, string> = {}, trainer?: Resumable): Promise<void> {
  await saveTogether(dir, rm.gpt, rm.tokenizer, [[SCORE_FILE, (meta) => rm.head.save(meta)]], { stage: 'reward', ...metadata }, trainer);
}

export async function loadRewardModelDir(be: Backend, dir: string): Promise<RewardModel> {
  const { model, tokenizer, metadata } = await loadChatModel(be, dir);
  let bytes: Uint8Array;
  try {
    bytes = readFileLimited(join(dir, SCORE_FILE), MAX_CHECKPOINT_BYTES, 'reward head');
  } catch (e) {
    model.free();
    throw new AlignError(`${dir} is not a reward model: cannot read ${SCORE_FILE} (${(e as Error).message})`);
  }
  const headId = readSafetensorsHeader(bytes).metadata.save_id;
  if (headId !== metadata.save_id) {
    model.free();
    throw new AlignError(`${dir}: ${MODEL_FILE} and ${SCORE_FILE} come from different saves (save_id ${JSON.stringify(metadata.save_id ?? null)} vs ${JSON.stringify(headId ?? null)}; ` +
      'a crash while saving, or two runs into one folder): train the reward model again into a fresh --out');
  }
  const head = new ScalarHead(be, model.config.nEmbd, { name: 'score' });
  head.load(bytes);
  return new RewardModel(model, tokenizer, head);
}

/** Writes a policy (SFT, DPO, PPO, GRPO): model.safetensors, PPO's value head, and the trainer's
 *  state when given. */
export async function savePolicyDir(dir: string, policy: GPT, tok: Tokenizer, valueHead: ScalarHead | null, metadata: Record<string, string> = {}, trainer?: Resumable): Promise<void> {
  await saveTogether(dir, policy, tok, valueHead ? [[VALUE_HEAD_FILE, (meta) => valueHead.save(meta)]] : [], metadata, trainer);
}

/** Continues a run saved in `dir`: loads `head` (PPO's value head) and the trainer's state, both
 *  checked to come from the same save as dir's weights, which the caller has already loaded. */
export function resumeFromDir(dir: string, trainer: Resumable, o: { head?: [file: string, head: ScalarHead] } = {}): void {
  const saveId = peekMetadata(join(dir, MODEL_FILE))?.save_id;
  const read = (file: string, what: string) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileLimited(join(dir, file), MAX_CHECKPOINT_BYTES, what);
    } catch (e) {
      throw new AlignError(`--resume: ${dir} has no ${what} to continue from (${(e as Error).message}); the run was saved without it`);
    }
    const id = readSafetensorsHeader(bytes).metadata.save_id;
    if (saveId === undefined || id !== saveId) {
      throw new AlignError(`--resume: ${dir}: ${MODEL_FILE} and ${file} come from different saves (save_id ${JSON.stringify(saveId ?? null)} vs ${JSON.stringify(id ?? null)}); start the run again into a fresh --out`);
    }
    return bytes;
  };
  if (o.head) o.head[1].load(read(o.head[0], 'value head'));
  trainer.loadState(read(STATE_FILE, 'training state'));
}
