// Shared fixtures of the alignment tests: a character tokenizer with the chat tokens and a tiny
// GPT config, so every test runs in seconds on the js backend.
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { DEFAULT_SPECIAL_TOKENS } from '../../ts/tokenizer/special.js';

export const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,?!<|>\'';
export const charTok = () => CharTokenizer.fromText(ALPHABET, { specialTokens: DEFAULT_SPECIAL_TOKENS });
export const tinyConfig = (vocabSize: number, blockSize = 48) => ({ vocabSize, blockSize, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true });
