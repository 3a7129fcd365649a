// Finds, fetches and compiles the kernels' .wasm, lightningcss-style: `new URL(file,
// import.meta.url)` by default (bundlers see it and ship the asset); read from disk for file:
// URLs, fetch otherwise, `compileStreaming` with an arrayBuffer() fallback; bytes, a URL or a
// compiled Module may be given instead. Memoised per source.

import { GlassgptError } from '../../errors.js';
import { isNode } from '../../env.js';

/** simd: the default, the same bits everywhere. relaxed: opt-in, matmul's and attention's
 *  multiply-adds fused where the CPU has FMA (faster; bits depend on the hardware). */
export type WasmVariant = 'simd' | 'relaxed' | 'threads';
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

export class WasmLoadError extends GlassgptError {
  readonly code: string = 'ERR_WASM_LOAD';
  override name = 'WasmLoadError';
}

const FILES: Record<WasmVariant, string> = { simd: 'glassgpt-simd.wasm', relaxed: 'glassgpt-relaxed.wasm', threads: 'glassgpt-threads.wasm' };

/** Where each variant is shipped: beside this module, in dist/ of the package (and, when running
 *  from the TypeScript sources, in ts/backend/wasm/, where the build copies it). One literal
 *  `new URL('./file.wasm', import.meta.url)` per file is the form vite, webpack 5, rollup's
 *  import-meta-assets plugin and parcel recognise: each ships exactly that file, nothing else. */
export function defaultWasmUrl(variant: WasmVariant): URL {
  if (variant === 'threads') return new URL('./glassgpt-threads.wasm', import.meta.url);
  return variant === 'relaxed'
    ? new URL('./glassgpt-relaxed.wasm', import.meta.url)
    : new URL('./glassgpt-simd.wasm', import.meta.url);
}

// A tiny module using one simd128 instruction: validates only where SIMD is supported.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))):
// validates only where relaxed SIMD is on (Node 22+, Node 20 with --experimental-wasm-relaxed-simd,
// Chrome/Edge 114+).
const RELAXED_PROBE = (() => {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b];
  return new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body]);
})();

/** Whether this runtime can run `variant` (the `relaxed` build needs relaxed SIMD). */
export function supportsVariant(variant: WasmVariant): boolean {
  if (!WebAssembly.validate(SIMD_PROBE)) return false;
  if (variant === 'threads') return typeof SharedArrayBuffer !== 'undefined'; // shared memory (isolated pages only)
  return variant === 'simd' || WebAssembly.validate(RELAXED_PROBE);
}

/** The variant used when none is asked for: `simd`. `relaxed` is never chosen (opt-in only: its
 *  bits depend on the hardware). */
export function bestVariant(): WasmVariant {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new WasmLoadError('this runtime has no WebAssembly SIMD (simd128); use the js backend');
  }
  return 'simd';
}

const cache = new Map<unknown, Promise<WebAssembly.Module>>();

/** Compiles the kernels module from `source` (default: the file shipped beside this module). */
export function compileKernels(source?: WasmSource, variant: WasmVariant = 'simd'): Promise<WebAssembly.Module> {
  if (variant === 'relaxed' && !supportsVariant('relaxed')) {
    return Promise.reject(new WasmLoadError('the relaxed variant needs relaxed SIMD, which this runtime lacks (it is on in ' +
      'Node 22+ and Chrome/Edge 114+; Node 20 needs --experimental-wasm-relaxed-simd); use the default simd variant'));
  }
  const key = source ?? variant;
  let p = cache.get(key);
  if (!p) {
    p = compile(source, variant);
    p.catch(() => cache.delete(key)); // a failed load may succeed later (e.g. after a build)
    cache.set(key, p);
  }
  return p;
}

async function compile(source: WasmSource | undefined, variant: WasmVariant): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source !== undefined && (ArrayBuffer.isView(source) || source instanceof ArrayBuffer)) {
    return fromBytes(source, 'the given bytes');
  }
  const url = source !== undefined
    ? new URL(String(source), isNode ? `file://${process.cwd()}/` : globalThis.location?.href)
    : defaultWasmUrl(variant);
  try {
    if (url.protocol === 'file:') {
      // Hidden from bundlers: only Node reaches a file: URL, and a browser bundle must not pull in fs.
      const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      return await fromBytes(await readFile(url), url.href);
    }
    const res = await fetch(url);
    if (!res.ok) throw new WasmLoadError(`fetching ${url.href} gave HTTP ${res.status}`);
    if (WebAssembly.compileStreaming && res.headers.get('content-type')?.includes('application/wasm')) {
      return await WebAssembly.compileStreaming(res);
    }
    return await fromBytes(await res.arrayBuffer(), url.href);
  } catch (e) {
    throw new WasmLoadError(`could not load the glassgpt kernels from ${url.href}: ${(e as Error)?.message ?? e}. ` +
      `${FILES[variant]} ships in the package's dist/ folder and must be served beside the module that loads it: vite, ` +
      `webpack 5 and rollup (with @web/rollup-plugin-import-meta-assets) copy it by themselves; with esbuild or a ` +
      `plain copy of dist/, copy node_modules/glassgpt/dist/${FILES[variant]} next to your bundle; or pass ` +
      `init({ wasm: bytes | url }). In a checkout of the repository, build it with \`npm run build:wasm\`.`);
  }
}

async function fromBytes(bytes: BufferSource, what: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new WasmLoadError(`${what} is not a valid glassgpt kernels module: ${(e as Error).message}`);
  }
}
