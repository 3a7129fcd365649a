// Node-only: write bytes atomically (temp file in the same folder, fsync, rename, fsync of the
// folder), so a crash mid-save never leaves a half-written checkpoint under the real name
// (DESIGN.md "Bad input"). Kept apart from safetensors.ts, which must run in browsers.
// The temp file is opened exclusively ('wx': O_CREAT|O_EXCL, which also refuses to follow a
// symlink planted under its name), so a prepared link cannot redirect the write elsewhere.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { GlassgptError } from '../errors.js';

/** A file or folder that cannot be written where asked (read-only, missing parent, not a folder). */
export class FileWriteError extends GlassgptError {
  readonly code: string = 'ERR_FILE_WRITE';
  override name = 'FileWriteError';
}

/** Ending of every temp file written here: .<name>.<pid>.<time>.tmp */
export const TMP_SUFFIX = '.tmp';

/** A fresh temp path beside `path` (the pid lets a cleaner tell a dead writer's file). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${process.hrtime.bigint()}${TMP_SUFFIX}`);
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
}

/** Flushes a folder's entries, so a rename in it is durable (not on Windows, which has no
 *  directory handles to sync). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const d = await open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}

/** writeFileAtomic for synchronous callers (the tokenizer CLI): the same exclusive temp file,
 *  fsync and rename; on any failure (a full disk mid-write) the temp file is removed. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const tmp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'wx');
  try {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}
