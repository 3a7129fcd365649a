// The tokenizer core must run in browsers: nothing reachable from ts/tokenizer/index.ts may
// import a node: module (only ts/tokenizer/node.ts does, and index.ts must not reach it).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..', '..', 'ts', 'tokenizer');

/** Files reachable from `entry` through relative imports, with every bare import they make. */
function walk(entry: string): { files: string[]; bare: string[] } {
  const files: string[] = [], bare: string[] = [];
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.includes(f)) continue;
    files.push(f);
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      if (m[1].startsWith('.')) todo.push(resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
      else bare.push(m[1]);
    }
  }
  return { files, bare };
}

describe('browser safety', () => {
  it('index.ts reaches no node: module and not node.ts', () => {
    const { files, bare } = walk(join(DIR, 'index.ts'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.map((f) => f.split('/').pop())).not.toContain('node.ts');
    expect(bare).toEqual([]);
  });

  it('node.ts is the one file that touches node:fs', () => {
    expect(walk(join(DIR, 'node.ts')).bare).toEqual(expect.arrayContaining(['node:fs', 'node:path']));
  });
});
