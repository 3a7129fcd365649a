// Public API of the model layer: the GPT (nanoGPT reading), its config, and checkpoints in the
// GPT-2 safetensors layout.

export { GPT, type GPTOutput, type TokenBatch } from './gpt.js';
export { makeConfig, parameterSpecs, DEFAULT_CONFIG, ConfigError, type GPTConfig } from './config.js';
export { initGPT2 } from './init.js';
export { saveCheckpoint, loadCheckpoint, loadWeights, CheckpointError, type CheckpointOptions } from './checkpoint.js';
