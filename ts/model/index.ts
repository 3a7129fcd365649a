// Public API of the model layer: the GPT (nanoGPT reading), its config, and checkpoints in the
// GPT-2 safetensors layout.
//
// A training step (everything the step allocates is freed when the scope ends; parameters and
// their gradients live in model.params, one contiguous buffer each):
//
//   const model = new GPT(backend, { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 });
//   const loss = backend.scope(() => {
//     model.zeroGrad();
//     const out = model.forward(ids, targets);   // ids, targets: number[][] [B, T]; -100 ignored
//     out.loss!.backward();                      // fills every parameter's grad
//     backend.axpy(model.params.data, model.params.grad, -lr, model.params.total); // SGD
//     return out.loss!.item();
//   });
//   const bytes = saveCheckpoint(model, { tokenizer: tokenizerJson }); // loads in PyTorch too

export { GPT, type GPTOutput, type TokenBatch, type KVCacheBuffers, type DecodeOutput } from './gpt.js';
export { makeConfig, parameterSpecs, DEFAULT_CONFIG, ConfigError, type GPTConfig } from './config.js';
export { initGPT2 } from './init.js';
export { checkModelFits, checkTrainingFits, parameterElements, activationBytes, HEAP_LIMIT_BYTES, BUFFER_LIMIT_BYTES } from './limits.js';
export { saveCheckpoint, loadCheckpoint, loadWeights, CheckpointError, type CheckpointOptions } from './checkpoint.js';
export type { WeightDtype } from './half.js';
export { resizeTokenEmbeddings } from './resize.js';
