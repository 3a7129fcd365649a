// The tokenizer core must run in browsers: nothing reachable from ts/tokenizer/index.ts may
// import a node: module (only ts/tokenizer/node.ts does, and index.ts must not reach it).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkImports as walk } from '../helpers/imports.js';

const DIR = join(import.meta.dirname, '..', '..', 'ts', 'tokenizer');

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
