// Public API of pre-training (browser-safe; checkpoint folders are in ./checkpoint-node.js).
export { Trainer, type TrainerOptions, type TrainEvent } from './trainer.js';
export { TrainingError } from './errors.js';
export { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from './adamw.js';
export { clipGradNorm } from './clip.js';
export { learningRate, type Schedule } from './schedule.js';
export { MemoryTokens, packTokens, splitTokens, sampleBatch, type TokenSource, type TokenArray, type Batch } from './data.js';
export { TrainStateError } from './state.js';
