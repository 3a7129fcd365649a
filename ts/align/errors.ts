// Errors of the alignment layer (DESIGN.md "Bad input"): each names the source, the line and the
// offending value, so a person fixing a JSONL file of rankings knows where to look.

import { GlassgptError } from '../errors.js';

/** A dataset record that cannot be used: malformed JSON, a missing field, a ranking that is not a
 *  permutation, an empty response. `line` is 1-based (0 when the data did not come from text). */
export class AlignDataError extends GlassgptError {
  readonly code: string = 'ERR_ALIGN_DATA';
  override name = 'AlignDataError';
  constructor(readonly source: string, readonly line: number, message: string) {
    super(line > 0 ? `${source}:${line}: ${message}` : `${source}: ${message}`);
  }
}

/** Alignment cannot proceed: a tokenizer without the chat tokens, an option out of range, a
 *  non-finite loss. */
export class AlignError extends GlassgptError {
  readonly code: string = 'ERR_ALIGN';
  override name = 'AlignError';
}

/** A short JSON rendering of a value for messages (cut at 60 characters). */
export function show(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
