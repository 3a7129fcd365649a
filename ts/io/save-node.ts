// Node-only: write bytes atomically (temp file in the same folder, fsync, rename, fsync of the
// folder), so a crash mid-save never leaves a half-written checkpoint under the real name
// (DESIGN.md "Bad input"). Kept apart from safetensors.ts, which must run in browsers.

import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w');
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
  // the rename itself is durable only once the directory entry is flushed (not on Windows)
  if (process.platform !== 'win32') {
    const dir = await open(dirname(path), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  }
}
