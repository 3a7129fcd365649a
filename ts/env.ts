// The runtime, detected once (transformers.js keeps this in one `env` module too).

export const isNode = typeof process !== 'undefined' && !!process.versions?.node;
