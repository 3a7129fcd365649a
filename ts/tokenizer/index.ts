// Public API of the tokenizer folder (browser-safe; Node file helpers are in ./node.js).
export type { Tokenizer, TokenizerJSON, BpeTokenizerJSON, CharTokenizerJSON, EncodeOptions, SpecialSet, TokenPiece } from './types.js';
export { BpeTokenizer, DEFAULT_CACHE_SIZE } from './bpe.js';
export type { BpeSpec } from './bpe.js';
export { trainBpe } from './train.js';
export type { TrainOptions } from './train.js';
export { CharTokenizer } from './char.js';
export { StreamDecoder } from './stream.js';
export { explain } from './explain.js';
export { tokenizerFromJSON } from './json.js';
export { fromGpt2Files } from './gpt2.js';
export { GPT2_SPLIT_PATTERN, GPT4_SPLIT_PATTERN, SPLIT_PATTERNS, splitWords } from './patterns.js';
export { ENDOFTEXT, USER_TOKEN, ASSISTANT_TOKEN, END_TOKEN, CHAT_TOKENS, DEFAULT_SPECIAL_TOKENS } from './special.js';
export { bytesToUnicode, bytesToPieceText } from './bytes.js';
export {
  TokenizerError, TokenizerInputError, TokenizerConfigError, TokenizerFormatError, TokenIdError,
  DisallowedSpecialError, UnknownCharError,
} from './errors.js';
