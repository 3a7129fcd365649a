// glassgpt's public API: everything here runs in Node and in browsers. Node-only helpers (files,
// checkpoint folders, the Brown corpus) are in the CLI and in the *-node modules.
export { ArgumentError, GlassgptError } from './errors.js';
export * from './backend/index.js';
export * from './tokenizer/index.js';
export * from './tensor/index.js';
export * from './model/index.js';
export * from './hf/index.js';
export * from './io/index.js';
export * from './train/index.js';
export * from './generate/index.js';
export * from './inspect/index.js';
export * from './align/index.js';
