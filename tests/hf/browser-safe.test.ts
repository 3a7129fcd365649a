// The HF folder code a page uses (ts/hf/index.ts, reached from the main entry) must not import a node: module; only ts/hf/node.ts does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkImports as walk } from '../helpers/imports.js';

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
