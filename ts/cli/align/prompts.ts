// The prompts of `rlhf` and `label`: JSONL records with a "prompt" field (.jsonl), or one per line.

/** Prompts from a file: JSONL records with a "prompt" field (.jsonl), else one per line. */
export function promptsFrom(text: string, path: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (!path.endsWith('.jsonl')) {
    const ps = lines.filter((l) => l.trim() !== '');
    if (!ps.length) throw new Error(`${path}: no prompts`);
    return ps;
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    let v: unknown;
    try { v = JSON.parse(l); } catch (e) { throw new Error(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`); }
    const p = (v as { prompt?: unknown } | null)?.prompt;
    if (typeof p !== 'string' || p.trim() === '') throw new Error(`${path}:${i + 1}: expected an object with a non-empty "prompt" string`);
    out.push(p);
  });
  if (!out.length) throw new Error(`${path}: no prompts`);
  return out;
}
