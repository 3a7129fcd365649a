// glassgpt's public API.
export { createBackend, init, JsBackend, WasmBackend, KernelArgumentError, WasmLoadError, bestVariant } from './backend/index.js';
export type { Backend, Buf, DType, BackendName, BackendOptions, WasmSource, WasmVariant } from './backend/index.js';
