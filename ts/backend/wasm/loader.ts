// Finds, fetches and compiles the kernels' .wasm, lightningcss-style: `new URL(file,
// import.meta.url)` by default (bundlers see it and ship the asset); read from disk for file:
// URLs, fetch otherwise, `instantiateStreaming` with an arrayBuffer() fallback; bytes, a URL or a
// compiled Module may be given instead. Memoised per source.

import { isNode, canShareMemory } from '../../env.js';

/** simd: the default, the same bits everywhere. relaxed: opt-in, matmul's and attention's multiply-adds fused
 *  where the CPU has FMA (faster; bits depend on the hardware). threads: reserved. */
export type WasmVariant = 'simd' | 'relaxed' | 'threads';
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

export class WasmLoadError extends Error {
  override name = 'WasmLoadError';
}

const FILES: Record<WasmVariant, string> = { simd: 'glassgpt-simd.wasm', relaxed: 'glassgpt-relaxed.wasm', threads: 'glassgpt-threads.wasm' };

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
  if (variant === 'relaxed') return WebAssembly.validate(RELAXED_PROBE);
  return variant === 'simd' || (canShareMemory && BUILT_VARIANTS.includes(variant));
}

/** The best variant this runtime can run. `relaxed` is never chosen (opt-in only: its bits
 *  depend on the hardware); `threads` will be when it is built and shared memory is available. */
export function bestVariant(): WasmVariant {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new WasmLoadError('this runtime has no WebAssembly SIMD (simd128); use the js backend');
  }
  return canShareMemory && BUILT_VARIANTS.includes('threads') ? 'threads' : 'simd';
}
const BUILT_VARIANTS: readonly WasmVariant[] = ['simd', 'relaxed'];

export function defaultWasmUrl(variant: WasmVariant): URL {
  return new URL(`./${FILES[variant]}`, import.meta.url);
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
  const urls = source !== undefined ? [new URL(String(source), isNode ? `file://${process.cwd()}/` : globalThis.location?.href)]
    : candidates(variant);
  let lastError: unknown;
  for (const url of urls) {
    try {
      if (url.protocol === 'file:') {
        const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
        return fromBytes(await readFile(url), url.href);
      }
      const res = await fetch(url);
      if (!res.ok) throw new WasmLoadError(`fetching ${url.href} gave HTTP ${res.status}`);
      if (WebAssembly.compileStreaming && res.headers.get('content-type')?.includes('application/wasm')) {
        return await WebAssembly.compileStreaming(res);
      }
      return fromBytes(await res.arrayBuffer(), url.href);
    } catch (e) {
      lastError = e;
    }
  }
  const tried = urls.map((u) => u.href).join(', ');
  throw new WasmLoadError(`could not load the glassgpt kernels (${FILES[variant]}); tried ${tried}: ` +
    `${(lastError as Error)?.message ?? lastError}. Serve ${FILES[variant]} from the package's dist/ folder next to the ` +
    `built module (bundlers do this for new URL(..., import.meta.url)), pass init({ wasm: bytes | url }), ` +
    `or build it with \`npm run build:wasm\`.`);
}

function candidates(variant: WasmVariant): URL[] {
  const urls = [defaultWasmUrl(variant)];
  // Running from the TypeScript sources (tests, tsx): ts/backend/wasm/ → dist/.
  if (isNode && import.meta.url.endsWith('.ts')) urls.push(new URL(`../../../dist/${FILES[variant]}`, import.meta.url));
  return urls;
}

async function fromBytes(bytes: BufferSource, what: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new WasmLoadError(`${what} is not a valid glassgpt kernels module: ${(e as Error).message}`);
  }
}
