// The text files of `rlhf`, `label` and --ptx-data: JSONL records (.jsonl, read by the align
// layer's parseJsonl), or one example per non-empty line.

import { AlignDataError } from '../../align/errors.js';
import { parseJsonl } from '../../align/jsonl.js';

/** The non-empty lines of a text (CRLF or LF). */
export function nonEmptyLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

/** Prompts from a file: JSONL records with a "prompt" field (.jsonl), else one per line. */
export function promptsFrom(text: string, path: string): string[] {
  if (!path.endsWith('.jsonl')) {
    const ps = nonEmptyLines(text);
    if (!ps.length) throw new AlignDataError(path, 0, 'no prompts');
    return ps;
  }
  return parseJsonl(text, path).map(({ line, value }) => {
    const p = value.prompt;
    if (typeof p !== 'string' || p.trim() === '') throw new AlignDataError(path, line, 'expected an object with a non-empty "prompt" string');
    return p;
  });
}
