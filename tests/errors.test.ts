// One error base: every error class glassgpt exports extends GlassgptError and carries a stable
// `code`, and no two classes share one (tokenizer errors carry theirs per kind, given when thrown).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as glassgpt from '../ts/index.js';
import * as node from '../ts/node.js';
import { UsageError } from '../ts/cli/args.js';
import { GlassgptError } from '../ts/errors.js';
import { TokenizerError } from '../ts/tokenizer/errors.js';

const classes = Object.entries({ ...glassgpt, ...node, UsageError })
  .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error && v !== GlassgptError) as [string, new (...a: never[]) => Error][];

describe('errors', () => {
  it('every exported error class extends GlassgptError', () => {
    expect(classes.length).toBeGreaterThan(20);
    expect(classes.filter(([, c]) => !(c.prototype instanceof GlassgptError)).map(([n]) => n)).toEqual([]);
  });

  it('each has a distinct code of its own', () => {
    const codes = new Map<string, string>();
    for (const [name, C] of classes) {
      if (C === (TokenizerError as unknown) || C.prototype instanceof TokenizerError) continue;
      const e = Reflect.construct(C, ['a message', 0]) as GlassgptError;
      expect(e.code, name).toMatch(/^ERR_[A-Z_]+$/);
      expect(codes.get(e.code), `${name} and ${codes.get(e.code)} share ${e.code}`).toBeUndefined();
      codes.set(e.code, name);
      expect(e).toBeInstanceOf(GlassgptError);
    }
    expect(codes.size).toBeGreaterThan(15);
  });

  it('everything the library throws is one of those classes (no bare Error, RangeError, TypeError)', () => {
    const exported = new Set(classes.map(([n]) => n));
    const root = join(import.meta.dirname, '../ts');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const bad: string[] = [];
    for (const f of files) {
      const src = readFileSync(join(root, f), 'utf8');
      for (const m of src.matchAll(/new ([A-Z][A-Za-z]*Error)\(/g)) if (!exported.has(m[1])) bad.push(`${f}: new ${m[1]}`);
    }
    expect(files.length).toBeGreaterThan(100);
    expect(bad).toEqual([]);
  });

  it('argument, heap and kernel errors carry their codes where they are thrown', async () => {
    const be = await glassgpt.createBackend('js');
    const model = new glassgpt.GPT(be, { vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
    const codeOf = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as GlassgptError).code; } return 'none'; };
    expect(codeOf(() => model.forward([[3, 99]]))).toBe('ERR_ARGUMENT'); // a token outside the vocabulary
    expect(codeOf(() => be.alloc(2 ** 30))).toBe('ERR_HEAP');
    expect(codeOf(() => be.dropoutForward(be.alloc(2), be.alloc(2), be.alloc(2), 2, 1, 0))).toBe('ERR_KERNEL_ARGUMENT');
    expect(codeOf(() => new glassgpt.Rng(NaN))).toBe('ERR_ARGUMENT');
    model.free();
  });

  it('tokenizer errors carry the code of their kind', () => {
    try { new glassgpt.CharTokenizer(['a']).encode(42 as unknown as string); } catch (e) {
      expect(e).toBeInstanceOf(GlassgptError);
      expect((e as GlassgptError).code).toBe('BAD_INPUT');
      return;
    }
    expect.unreachable('encode(42) must throw');
  });
});
