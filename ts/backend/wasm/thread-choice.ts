// How many threads a wasm backend gets, and which build runs them. Asked for: that many (an
// error if it is not a whole number ≥ 1). Not asked for: the machine's cores, at most
// DEFAULT_MAX_THREADS. Where threads cannot run (a browser page that is not cross-origin
// isolated, a runtime without SharedArrayBuffer) the kernels run on one thread of the `simd`
// build and a notice says why and what to change: never a silent downgrade.
//
// The build: `threads` whenever more than one thread runs, else `simd` (the threads build's
// shared memory needs isolation in browsers, so it cannot be the one default everywhere).
// `relaxed` has no threads twin: its bits already depend on the CPU, and a fourth binary
// would double the shipped size for an opt-in that few use; asking for both is an error.

import { isNode } from '../../env.js';
import { WasmLoadError, type WasmVariant } from './loader.js';
import { threadsUnavailable } from './threads.js';
import { ArgumentError } from '../../errors.js';

/** The default's cap. Each thread added past what a step's kernels can share out costs its
 *  wake-ups and gains nothing: a baby-GPT step's largest calls split into 12 batch elements
 *  (attention) and 768 rows, its many small ones not at all. A reasoned cap, not a measured
 *  one: the machine this was written on has 2 cores, and they were busy (benches/results/threads.md). */
export const DEFAULT_MAX_THREADS = 4;

export interface ThreadChoice { threads: number; variant: WasmVariant; notice: string | null }

/** Logical cores of this machine (1 when the runtime does not say). */
export async function cores(): Promise<number> {
  if (isNode) {
    // inside try: a browser bundler (esbuild) then lets the Node-only import stay unresolved
    try {
      const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os');
      return os.availableParallelism?.() ?? os.cpus().length;
    } catch {
      return 1;
    }
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

export async function chooseThreads(asked: number | undefined, variant: WasmVariant | undefined): Promise<ThreadChoice> {
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1)) {
    throw new ArgumentError(`threads must be a whole number ≥ 1, got ${String(asked)}`);
  }
  if (variant === 'relaxed' || variant === 'simd') {
    if (asked !== undefined && asked > 1) {
      throw new WasmLoadError(`the ${variant} build runs on one thread (threads: ${asked} was asked for); leave the variant ` +
        'out (or ask for `threads`): the threads build gives the bits of simd at any thread count' +
        (variant === 'relaxed' ? ' (relaxed has no threads twin: its bits already depend on the CPU)' : ''));
    }
    return { threads: 1, variant, notice: null };
  }
  const want = asked ?? Math.min(await cores(), DEFAULT_MAX_THREADS);
  if (want <= 1) return { threads: 1, variant: variant ?? 'simd', notice: null };
  const why = threadsUnavailable();
  if (why) {
    if (variant === 'threads') throw new WasmLoadError(`the threads build cannot run here: ${why}`);
    return { threads: 1, variant: 'simd', notice: `glassgpt: the kernels run on one thread, not ${want}: ${why}` };
  }
  return { threads: want, variant: 'threads', notice: null };
}
