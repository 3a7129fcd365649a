// Choosing a backend: 'js', 'wasm' or 'auto' (wasm when it loads, else js with a warning).
// The js fallback happens only for 'auto': asking for 'wasm' and not getting it is an error.

import type { Backend } from './backend.js';
import { JsBackend } from './js/index.js';
import { createWasmBackend } from './wasm/index.js';
import { bestVariant, type WasmSource, type WasmVariant } from './wasm/loader.js';

export type BackendName = 'js' | 'wasm' | 'auto';
export interface BackendOptions {
  /** The kernels' .wasm: bytes, a URL/path, or a compiled Module (default: shipped beside the module). */
  wasm?: WasmSource;
  /** Force a wasm build variant (default: the best the runtime validates). */
  variant?: WasmVariant;
  /** Called when 'auto' falls back to js. */
  onFallback?: (error: Error) => void;
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
    throw new Error(`unknown backend "${String(name)}"; choose js, wasm or auto`);
  }
  try {
    return await createWasmBackend(o.wasm, o.variant ?? bestVariant());
  } catch (e) {
    if (name === 'wasm') throw e;
    (o.onFallback ?? ((err) => console.warn(`glassgpt: wasm backend unavailable, using js: ${err.message}`)))(e as Error);
    return new JsBackend();
  }
}

export type { Backend, Buf, DType, PackedMatrix } from './backend.js';
export { KernelArgumentError } from './backend.js';
export { JsBackend } from './js/index.js';
export { WasmBackend } from './wasm/index.js';
export { WasmLoadError, bestVariant, supportsVariant, type WasmSource, type WasmVariant } from './wasm/loader.js';
