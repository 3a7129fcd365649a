// One error base: every error class glassgpt exports extends GlassgptError and carries a stable
// `code`, and no two classes share one (tokenizer errors carry theirs per kind, given when thrown).
import { describe, expect, it } from 'vitest';
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

  it('tokenizer errors carry the code of their kind', () => {
    try { new glassgpt.CharTokenizer(['a']).encode(42 as unknown as string); } catch (e) {
      expect(e).toBeInstanceOf(GlassgptError);
      expect((e as GlassgptError).code).toBe('BAD_INPUT');
      return;
    }
    expect.unreachable('encode(42) must throw');
  });
});
