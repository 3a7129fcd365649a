// Tokenizer errors: one Error subclass per kind of bad input, each message naming the value
// (DESIGN.md "Bad input"). Callers can branch on the class or on `code`.

import { GlassgptError } from '../errors.js';

/** Shorten a value for an error message: strings are quoted and cut at 60 characters. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.length > 60 ? value.slice(0, 57) + '...' : value;
    return JSON.stringify(s);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}

/** Base class of every tokenizer error. */
export class TokenizerError extends GlassgptError {
  override readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** encode()/train() was given something that is not a string (decode(): not an array). */
export class TokenizerInputError extends TokenizerError {
  constructor(what: string, value: unknown, expected = 'a string') {
    super('BAD_INPUT', `${what} must be ${expected}, got ${describe(value)}`);
  }
}

/** A training or construction option is out of range (e.g. vocabSize < 256 + specials). */
export class TokenizerConfigError extends TokenizerError {
  constructor(message: string) {
    super('BAD_CONFIG', message);
  }
}

/** Tokenizer JSON / GPT-2 files that cannot be read back. `where` says which field. */
export class TokenizerFormatError extends TokenizerError {
  constructor(where: string, message: string) {
    super('BAD_FORMAT', `malformed tokenizer data at ${where}: ${message}`);
  }
}

/** decode() got an id that is not an integer in [0, vocabSize). */
export class TokenIdError extends TokenizerError {
  constructor(id: unknown, index: number, vocabSize: number) {
    super(
      'BAD_ID',
      `token id ${describe(id)} at position ${index} is out of range: ` +
        `expected an integer in [0, ${vocabSize})`,
    );
  }
}

/** encode() met a special token's spelling that the caller listed in disallowedSpecial. */
export class DisallowedSpecialError extends TokenizerError {
  constructor(token: string, index: number) {
    super(
      'DISALLOWED_SPECIAL',
      `text contains the special token ${JSON.stringify(token)} at offset ${index}, ` +
        'which is disallowed; pass allowedSpecial to encode it as that token, or leave it out ' +
        'of disallowedSpecial to encode it as ordinary text',
    );
  }
}

/** The character tokenizer met a character that is not in its vocabulary. */
export class UnknownCharError extends TokenizerError {
  constructor(ch: string, index: number) {
    const cp = ch.codePointAt(0) ?? 0;
    super(
      'UNKNOWN_CHAR',
      `character ${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) ` +
        `at offset ${index} is not in the character vocabulary`,
    );
  }
}

/** `value` itself, or JSON.parse of it when it is a string; a parse error names `where`. */
export function parseJsonIfString(value: unknown, where: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new TokenizerFormatError(where, `not valid JSON: ${(e as Error).message}`);
  }
}
