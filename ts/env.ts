// The runtime, detected once (transformers.js keeps this in one `env` module too).

export const isNode = typeof process !== 'undefined' && !!process.versions?.node;
export const isBrowser = !isNode && typeof globalThis.fetch === 'function';
/** Shared memory for the `threads` wasm build needs cross-origin isolation in browsers. */
export const canShareMemory = typeof SharedArrayBuffer !== 'undefined' &&
  (isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
