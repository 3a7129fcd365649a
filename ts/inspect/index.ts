// Public API of inspection: what a GPT "sees" and does, as plain numbers for views and tests
// (token pieces, embedding neighbours, attention maps, next-token distributions, logit lens,
// generation traces). Browser-safe.
export { InspectError, inspectRun } from './run.js';
export { tokenPieces, tokenText, type Piece } from './tokens.js';
export { nearestTokens, tokenSimilarity, type Neighbour } from './embedding.js';
export { attentionMaps, attentionRow, type AttentionMaps } from './attention.js';
export { nextTokens, logitLens, type PositionDistribution, type LensLayer } from './distribution.js';
export { softmaxTop, type TokenProb, type RowDistribution } from './softmax.js';
export { traceGeneration, type GenerationTrace, type TraceStep, type TracedToken } from './trace.js';
