// Node-only: one run per checkpoint folder. `train` takes DIR/.lock (created exclusively, 'wx')
// before it trains, so two runs into one folder cannot both "succeed" while one result is lost.
// A lock whose process is gone (kill -9, a crash) is stale and is taken over; a live one is an
// error naming its pid. Also the first write into DIR, so a read-only --out fails at once.

import { GlassgptError } from '../errors.js';
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';

export class RunLockError extends GlassgptError {
  readonly code: string = 'ERR_RUN_LOCK';
  override name = 'RunLockError';
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export interface RunLock { path: string; release(): void }

/** Takes dir's lock or throws RunLockError; dir must exist. */
export function lockRunDir(dir: string): RunLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new RunLockError(`cannot write into ${JSON.stringify(dir)} (${code}: ${(e as Error).message}); choose a writable --out`);
      }
      let holder: { pid?: number; host?: string } = {};
      try { holder = JSON.parse(readFileSync(path, 'utf8').slice(0, 1000)) as typeof holder; } catch { /* torn: a writer died mid-write */ }
      const pid = Number(holder.pid);
      const sameHost = holder.host === undefined || holder.host === hostname();
      if (Number.isInteger(pid) && pid > 0 && (!sameHost || alive(pid))) {
        throw new RunLockError(`${JSON.stringify(dir)} is in use by another run (pid ${pid} on ${holder.host ?? 'this host'}); ` +
          `wait for it, choose another --out, or delete ${path} if that run is gone`);
      }
      unlinkSync(path); // stale: its process is gone
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
    closeSync(fd);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        try { unlinkSync(path); } catch { /* already gone */ }
      },
    };
  }
  throw new RunLockError(`could not take the lock ${path}: another run keeps re-creating it; choose another --out`);
}
