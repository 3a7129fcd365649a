// Public API of text generation: generate / generateBatch / stream, the options, the logits
// processors and samplers (transformers.js's split), stop rules, the KV cache and the trace.

export { generate, generateBatch, stream, type Prompt, type BatchOptions } from './generate.js';
export type { GenerateOptions, SamplingOptions } from './options.js';
export type { GenerationResult, TokenEvent } from './loop.js';
export type { StepTrace, TraceEntry } from './trace.js';
export type { FinishReason } from './stopping.js';
export { splitAtStop, TextAssembler } from './stopping.js';
export {
  RepetitionPenalty, FrequencyPresencePenalty, LogitBias, BannedTokens, Temperature, TopK, TopP, MinP,
  type LogitsProcessor, type ProcessorContext,
} from './processors.js';
export { argmax, logSumExp, sampleFromLogits, chooseToken } from './sampler.js';
export { KVCache } from './kv-cache.js';
export { ContextWindow } from './window.js';
export { GenerateOptionsError, GenerateError } from './errors.js';
