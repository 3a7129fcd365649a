// Node-only: Hugging Face GPT-2 folders on disk. Reading checks each file's size before it is
// read (a number from a file is never trusted, nor a file's length); writing goes file by file
// through a temporary name and a rename (io/save-node.ts).

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { writeFileAtomic } from '../io/save-node.js';
import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { hfFolderFiles } from './export.js';
import { HfFolderError, loadHfModel, type HfModel, type LoadHfOptions } from './load.js';

// Node's Buffer holds at most 4 GiB, and no GPT-2 shard glassgpt can hold is larger
const MAX_FILE_BYTES = 2 ** 32 - 1;

/** True when dir looks like an HF model folder (has config.json). */
export function isHfDir(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && statSync(dir).isDirectory();
}

/** The files of dir through loadHfModel's callback: absent files are undefined. */
export function dirReader(dir: string) {
  return async (name: string): Promise<Uint8Array | undefined> => {
    const path = join(dir, name);
    let size: number;
    try { size = (await stat(path)).size; } catch { return undefined; }
    if (size > MAX_FILE_BYTES) throw new HfFolderError(`${path} is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
    return new Uint8Array(await readFile(path));
  };
}

export async function loadHfDir(backend: Backend, dir: string, opts: LoadHfOptions = {}): Promise<HfModel> {
  if (!existsSync(dir)) throw new HfFolderError(`no folder ${JSON.stringify(dir)}`);
  return loadHfModel(backend, dirReader(dir), opts);
}

/** Writes model (and tokenizer) as an HF GPT-2 folder; returns the notes of hfFolderFiles. */
export async function saveHfDir(dir: string, model: GPT, tokenizer?: Tokenizer): Promise<string[]> {
  const { files, notes } = hfFolderFiles(model, tokenizer);
  await mkdir(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) {
    await writeFileAtomic(join(dir, name), typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  return notes;
}
