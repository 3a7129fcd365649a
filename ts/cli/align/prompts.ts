// The prompts of `rlhf` and `label`: JSONL records with a "prompt" field (.jsonl), or one per line.

import { AlignDataError } from '../../align/errors.js';

/** Prompts from a file: JSONL records with a "prompt" field (.jsonl), else one per line. */
export function promptsFrom(text: string, path: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (!path.endsWith('.jsonl')) {
    const ps = lines.filter((l) => l.trim() !== '');
    if (!ps.length) throw new AlignDataError(path, 0, 'no prompts');
    return ps;
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    let v: unknown;
    try { v = JSON.parse(l); } catch (e) { throw new AlignDataError(path, i + 1, `not valid JSON (${(e as Error).message})`); }
    const p = (v as { prompt?: unknown } | null)?.prompt;
    if (typeof p !== 'string' || p.trim() === '') throw new AlignDataError(path, i + 1, 'expected an object with a non-empty "prompt" string');
    out.push(p);
  });
  if (!out.length) throw new AlignDataError(path, 0, 'no prompts');
  return out;
}
