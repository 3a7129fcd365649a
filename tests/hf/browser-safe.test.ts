// The HF folder code a page uses (ts/hf/index.ts, reached from the main entry through
// ts/model/index.ts) must not import a node: module; only ts/hf/node.ts does.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function walk(entry: string): { files: string[]; bare: string[] } {
  const files: string[] = [], bare: string[] = [];
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.includes(f)) continue;
    files.push(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      if (m[1].startsWith('.')) todo.push(resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
      else bare.push(m[1]);
    }
  }
  return { files, bare };
}

describe('browser safety of ts/hf', () => {
  it('hf/index.ts and the main entry reach no node: module and not hf/node.ts', () => {
    for (const entry of ['hf/index.ts', 'index.ts']) {
      const { files, bare } = walk(join(import.meta.dirname, '..', '..', 'ts', entry));
      expect(files.some((f) => f.endsWith('hf/load.ts'))).toBe(true);
      expect(files.filter((f) => f.endsWith('hf/node.ts'))).toEqual([]);
      expect(bare.filter((b) => b.startsWith('node:'))).toEqual([]);
    }
  });
});
