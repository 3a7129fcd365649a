// JSON Lines reading with line numbers (jsonlines.org): one JSON value per line, blank lines
// skipped, a malformed line reported as `source:line: …` instead of a bare SyntaxError.

import { AlignDataError } from './errors.js';

export interface JsonlRecord {
  line: number; // 1-based line number in the source text
  value: Record<string, unknown>;
}

/** Every non-blank line of `text` parsed as a JSON object.
 *  Example: parseJsonl('{"a":1}\n\n{"a":2}\n', 'f.jsonl') → [{line:1,…}, {line:3,…}]. */
export function parseJsonl(text: string, source = 'jsonl'): JsonlRecord[] {
  if (typeof text !== 'string') throw new AlignDataError(source, 0, `expected JSONL text, got ${typeof text}`);
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new AlignDataError(source, i + 1, `not valid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new AlignDataError(source, i + 1, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    out.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  if (out.length === 0) throw new AlignDataError(source, 0, 'no records (the file is empty)');
  return out;
}
