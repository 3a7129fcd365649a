// Node-only: bringing a checkpoint folder back to its newest consistent pair after a crash
// (the save protocol is described in checkpoint-node.ts), and removing temp files that a killed
// writer left behind. Only headers are read: the step rides in each file's metadata.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MAX_HEADER_BYTES } from '../io/safetensors.js';
import { syncDir, TMP_SUFFIX } from '../io/save-node.js';

export const MODEL_FILE = 'model.safetensors';
export const STATE_FILE = 'train-state.safetensors';
/** Suffix of a file written completely but not yet committed. */
export const NEXT = '.next';

/** The step in a complete safetensors file's metadata, or null when the file is missing, torn
 *  (shorter than its header says) or has no step: such a file is never recovered to. */
export function peekStep(path: string): number | null {
  const step = Number(peekMetadata(path)?.step);
  return Number.isSafeInteger(step) && step >= 0 ? step : null;
}

/** A complete safetensors file's metadata, read from its header alone; null when the file is
 *  missing or torn. */
export function peekMetadata(path: string): Record<string, string> | null {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    const size = fstatSync(fd).size;
    const len = Buffer.alloc(8);
    if (size < 8 || readSync(fd, len, 0, 8, 0) !== 8) return null;
    const headerLen = len.readUInt32LE(0) + len.readUInt32LE(4) * 2 ** 32;
    if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) return null;
    const head = Buffer.alloc(headerLen);
    if (readSync(fd, head, 0, headerLen, 8) !== headerLen) return null;
    const h = JSON.parse(head.toString('utf8')) as Record<string, { data_offsets?: number[] } & Record<string, string>>;
    let end = 0;
    for (const [k, v] of Object.entries(h)) if (k !== '__metadata__') end = Math.max(end, v?.data_offsets?.[1] ?? 0);
    if (8 + headerLen + end !== size) return null; // torn or padded: not a file a save completed
    const meta = h.__metadata__;
    return meta && typeof meta === 'object' ? (meta as Record<string, string>) : {};
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Deletes temp files of dead writers (ours are named .<file>.<pid>.<time>.tmp). */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(f);
    if (!m || !f.endsWith(TMP_SUFFIX)) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && alive(pid)) continue; // another live process is writing it
    await unlink(join(dir, f)).catch(() => undefined);
    removed.push(f);
  }
  return removed;
}

/** Makes the folder and its missing parents, one level at a time: fs.mkdir's own recursive
 *  mode loops forever where a parent cannot be made (mkdir -p under /proc, Node 20), and a
 *  folder that cannot be made must fail here, naming why, not at the first checkpoint. */
export async function prepareCheckpointDir(dir: string, depth = 0): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'ENOENT' && depth < 64 && dirname(dir) !== dir) {
      await prepareCheckpointDir(dirname(dir), depth + 1);
      return prepareCheckpointDir(dir, 64); // once more, without climbing again
    }
    throw new Error(`cannot create the checkpoint folder ${JSON.stringify(dir)} (${code}: ${(e as Error).message}); ` +
      'choose another --out, or make its parent writable');
  }
}

export interface Recovery { step: number | null; action: 'none' | 'committed' | 'rolled-forward' | 'discarded'; removed: string[] }

/** Brings dir to its newest consistent (model, state) pair: finishes a committed save (both
 *  .next files of one step), rolls forward a save interrupted between its renames, discards an
 *  uncommitted one, and removes stale temp files. Safe to call at any time no save is running. */
export async function recoverCheckpoint(dir: string, o: { discardPending?: boolean } = {}): Promise<Recovery> {
  const removed = await removeStaleTemps(dir);
  const p = (f: string) => join(dir, f);
  const m = peekStep(p(MODEL_FILE)), mn = peekStep(p(MODEL_FILE + NEXT));
  const s = peekStep(p(STATE_FILE)), sn = peekStep(p(STATE_FILE + NEXT));
  let action: Recovery['action'] = 'none';
  // --force: an old unfinished save must not be committed over the run that replaces it
  if (!o.discardPending && mn !== null && sn !== null && mn === sn) {
    await rename(p(STATE_FILE + NEXT), p(STATE_FILE));
    await rename(p(MODEL_FILE + NEXT), p(MODEL_FILE));
    action = 'committed';
  } else if (!o.discardPending && mn !== null && sn === null && s === mn) {
    await rename(p(MODEL_FILE + NEXT), p(MODEL_FILE));
    action = 'rolled-forward';
  }
  // whatever .next is left belongs to no complete save (or is torn): never recovered to later
  for (const f of [MODEL_FILE + NEXT, STATE_FILE + NEXT]) {
    try {
      await unlink(p(f));
      if (action === 'none') action = 'discarded';
      removed.push(f);
    } catch { /* not there */ }
  }
  if (action !== 'none') await syncDir(dir);
  return { step: action === 'committed' || action === 'rolled-forward' ? mn : m, action, removed };
}
