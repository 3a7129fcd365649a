// Choosing a backend: 'js', 'wasm' or 'auto' (wasm when it loads, else js with a warning).
// The js fallback happens only for 'auto': asking for 'wasm' and not getting it is an error.

import type { Backend } from './backend.js';
import { JsBackend } from './js/index.js';
import { createWasmBackend, type WasmBackend } from './wasm/index.js';
import { chooseThreads } from './wasm/thread-choice.js';
import { bestVariant, type WasmSource, type WasmVariant } from './wasm/loader.js';
import { ArgumentError } from '../errors.js';

export type BackendName = 'js' | 'wasm' | 'auto';
export interface BackendOptions {
  /** The kernels' .wasm: bytes, a URL/path, or a compiled Module (default: shipped beside the module). */
  wasm?: WasmSource;
  /** Force a wasm build variant (default: the best the runtime validates). */
  variant?: WasmVariant;
  /** Called when 'auto' falls back to js. */
  onFallback?: (error: Error) => void;
  /** Threads the wasm kernels run on, the calling thread included (same bits at any count).
   *  Default: the machine's cores, at most 4; one where threads cannot run (see onThreadsNotice). */
  threads?: number;
  /** Called, instead of console.warn, when fewer threads run than were asked for or would be
   *  the default (a browser page without cross-origin isolation), with the reason and the fix. */
  onThreadsNotice?: (notice: string) => void;
}

let defaults: BackendOptions = {};

/** Sets the options later createBackend calls use by default (e.g. where the .wasm is). */
export function init(opts: BackendOptions): void {
  defaults = { ...defaults, ...opts };
}

export async function createBackend(name: BackendName = 'auto', opts: BackendOptions = {}): Promise<Backend> {
  const o = { ...defaults, ...opts };
  if (name === 'js') return new JsBackend();
  if (name !== 'wasm' && name !== 'auto') {
    throw new ArgumentError(`unknown backend "${String(name)}"; choose js, wasm or auto`);
  }
  try {
    // A .wasm given without a variant is taken as the single-thread build unless threads are asked for.
    const asked = o.threads ?? (o.wasm !== undefined && o.variant === undefined ? 1 : undefined);
    const choice = await chooseThreads(asked, o.variant);
    const variant = choice.variant === 'simd' ? bestVariant() : choice.variant; // bestVariant: a clear error without SIMD
    let be: WasmBackend;
    try {
      be = await createWasmBackend(o.wasm, variant, { threads: choice.threads });
    } catch (e) {
      // threads by default only: a missing or unloadable threads build means one thread, said aloud
      if (variant !== 'threads' || o.threads !== undefined || o.variant !== undefined) throw e;
      be = await createWasmBackend(o.wasm, bestVariant());
      choice.notice = `glassgpt: the kernels run on one thread, not ${choice.threads}: ${(e as Error).message}`;
    }
    if (choice.notice) {
      be.threadsNotice = choice.notice;
      (o.onThreadsNotice ?? warnOnce)(choice.notice);
    }
    return be;
  } catch (e) {
    if (name === 'wasm') throw e;
    (o.onFallback ?? ((err) => console.warn(`glassgpt: wasm backend unavailable, using js: ${err.message}`)))(e as Error);
    return new JsBackend();
  }
}

const warned = new Set<string>();
function warnOnce(notice: string): void {
  if (!warned.has(notice)) { warned.add(notice); console.warn(notice); }
}

export type { Backend, Buf, DType, PackedMatrix } from './backend.js';
export { BackendError, HeapError, KernelArgumentError } from './backend.js';
export { JsBackend } from './js/index.js';
export { WasmBackend } from './wasm/index.js';
export { DEFAULT_MAX_THREADS } from './wasm/thread-choice.js';
export { WasmLoadError, bestVariant, supportsVariant, type WasmSource, type WasmVariant } from './wasm/loader.js';
