// A pool of workers over one shared WebAssembly.Memory, for the threads build: worker_threads
// in Node, Web Workers in browsers. The API stays synchronous (a backend method returns after
// its kernel ran): `run` posts a job into a shared control block, the calling thread computes
// part 0 itself, then waits until every worker has counted itself done.
//
// Waiting: Atomics.wait where the thread may block (Node's main thread, any worker); a browser's
// main thread may not, so there it spins on Atomics.load. Its spin only covers the tail of a
// kernel whose own part it has finished (the parts are near-equal), and the page is blocked
// by a synchronous kernel either way, so a spin costs nothing a wait would have saved; long runs
// still belong in a Worker, where the page stays responsive.

import { isNode } from '../../env.js';
import { ARGS_AT, CTL, CTL_BYTES, MAX_ARGS, WORKER_SOURCE } from './worker-source.js';
import { BackendError } from '../backend.js';
import { HeapError } from '../backend.js';

/** A worker's shadow stack: what the Rust build gives the main thread (1 MiB). */
const STACK_BYTES = 1 << 20;
/** Pages the shared memory starts with: above the threads build's static size (stack + data,
 *  17 pages today; a Module does not say, so instantiation checks it); it grows from there. */
const INITIAL_PAGES = 64;
/** The whole wasm32 space, as the build declares (--max-memory=4294967296). */
const MAXIMUM_PAGES = 65536;

export interface ThreadExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  __stack_pointer: WebAssembly.Global;
  __tls_size: WebAssembly.Global;
  __tls_align: WebAssembly.Global;
  __wasm_init_tls(ptr: number): void;
  [name: string]: unknown;
}

interface PoolWorker { post(msg: unknown): void; onMessage(f: (m: unknown) => void): void; end(): void }

/** Whether this runtime can run threads, and if not, the sentence saying why. */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    if (!isNode && !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
      return 'this page is not cross-origin isolated, so SharedArrayBuffer (and with it threads) is off: serve it with ' +
        'the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"';
    }
    return 'this runtime has no SharedArrayBuffer/Atomics';
  }
  if (!isNode && typeof Worker === 'undefined') return 'this runtime has no Web Workers';
  return null;
}

/** Instantiates the threads build over a new shared memory on the calling thread. */
export function instantiateShared(module: WebAssembly.Module): ThreadExports {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ThreadExports;
  // The instance must see the memory under its own name too (the backend reads exports.memory).
  const withMemory = Object.assign(Object.create(null), ex, { memory }) as ThreadExports;
  withMemory.__wasm_init_tls(tlsBlock(withMemory)); // this thread's TLS, as each worker's below
  return withMemory;
}

function tlsBlock(ex: ThreadExports): number {
  const size = ex.__tls_size.value as number, align = ex.__tls_align.value as number;
  if (align > 16) throw new BackendError(`threads build: TLS alignment ${align} is above the allocator's 16`);
  const p = ex.alloc(Math.max(16, size));
  if (p === 0) throw new HeapError('wasm heap: no room for a thread\'s TLS block');
  return p;
}

export class ThreadPool {
  /** Threads, the calling one included; 1 once disposed (every call then runs on the caller). */
  size: number;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly fns: ((...a: number[]) => void)[];
  private workers: PoolWorker[] = [];
  private readonly canWait: boolean;

  private constructor(threads: number, private readonly names: readonly string[], ex: ThreadExports,
    private readonly spin: number) {
    this.size = threads;
    const sab = new SharedArrayBuffer(CTL_BYTES);
    this.ctl = new Int32Array(sab, 0, 16);
    this.args = new Float64Array(sab, ARGS_AT, MAX_ARGS);
    this.fns = names.map((n) => ex[n] as (...a: number[]) => void);
    // Node's main thread may block; a browser's main thread (a Window) may not.
    this.canWait = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  }

  /** Starts threads − 1 workers over `ex`'s memory and waits until each has instantiated
   *  (`spin`: loads of a shared counter before a thread sleeps, worker-source.ts's SPIN*)
   *  (a browser starts a worker only once the page yields, so a kernel must not wait on one
   *  that has not started). `names`: the part exports a job may name, by index. */
  static async start(module: WebAssembly.Module, ex: ThreadExports, threads: number, names: readonly string[],
    spin: number): Promise<ThreadPool> {
    const pool = new ThreadPool(threads, names, ex, spin);
    try {
      const ready: Promise<void>[] = [];
      for (let i = 1; i < threads; i++) {
        const w = await spawn();
        pool.workers.push(w);
        const stack = ex.alloc(STACK_BYTES);
        if (stack === 0) throw new HeapError('wasm heap: no room for a worker\'s stack');
        ready.push(new Promise((resolve, reject) => w.onMessage((m) => {
          const e = (m as { error?: string }).error;
          if (e) reject(new BackendError(`a glassgpt kernel worker could not start: ${e}`)); else resolve();
        })));
        w.post({ module, memory: ex.memory, ctl: pool.ctl.buffer, index: i, gen: 0, names, workers: threads - 1, spin,
          stackTop: stack + STACK_BYTES, tls: tlsBlock(ex) });
      }
      await Promise.all(ready);
    } catch (e) {
      pool.dispose();
      throw e;
    }
    return pool;
  }

  /** Runs export `fn` (an index into `names`) as `parts` parts, 1 < parts ≤ size: workers
   *  1 … parts−1 take theirs, this thread part 0; returns when every worker has seen the job
   *  (those without a part only count themselves), so the next job's writes race no reader. */
  run(fn: number, args: readonly number[], parts: number): void {
    const { ctl } = this;
    if (this.workers.length === 0) throw new BackendError('this backend was disposed: its worker threads have ended');
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    ctl[CTL.fn] = fn; ctl[CTL.nargs] = args.length; ctl[CTL.parts] = parts;
    Atomics.store(ctl, CTL.done, 0);
    Atomics.add(ctl, CTL.gen, 1); // publishes the stores above (Atomics are sequentially consistent)
    Atomics.notify(ctl, CTL.gen);
    let failed: unknown = null;
    const t0 = performance.now();
    try { this.fns[fn](...args, 0, parts); } catch (e) { failed = e; }
    // The parts are near-equal, so the workers finish about when this thread does. A worker that
    // has not answered long after (10× this thread's part, and a minute) is a bug in this
    // protocol, not a slow kernel: an error, not a process that hangs.
    const want = this.workers.length, t1 = performance.now(), limit = t1 + Math.max(60_000, 10 * (t1 - t0));
    // the workers usually finish within microseconds of this thread: spin a little before sleeping
    // (a sleeping caller is woken ~0.1 ms late, as long as a small kernel's whole part)
    for (let i = 0; i < this.spin && Atomics.load(ctl, CTL.done) !== want; i++);
    for (let d = Atomics.load(ctl, CTL.done); d !== want; d = Atomics.load(ctl, CTL.done)) {
      if (this.canWait) Atomics.wait(ctl, CTL.done, d, 1000);
      if (d > want || performance.now() > limit) {
        throw new BackendError(`glassgpt kernel threads: ${d} of ${want} workers answered ${this.names[fn]} (job ${Atomics.load(ctl, CTL.gen)}); the pool is stuck`);
      }
    }
    if (failed) throw failed;
    if (Atomics.exchange(ctl, CTL.error, 0)) throw new BackendError(`a kernel worker failed in ${this.names[fn]} (a trap: out-of-bounds memory?)`);
  }

  /** Ends the workers (each leaves its loop and closes); safe to call twice. */
  dispose(): void {
    Atomics.store(this.ctl, CTL.stop, 1);
    Atomics.add(this.ctl, CTL.gen, 1);
    Atomics.notify(this.ctl, CTL.gen);
    for (const w of this.workers) w.end();
    this.workers = [];
    this.size = 1;
  }
}

/** A worker running WORKER_SOURCE that never keeps a Node process alive (unref). */
async function spawn(): Promise<PoolWorker> {
  if (isNode) {
    // inside try: a browser bundler (esbuild) then lets the Node-only import stay unresolved
    let Worker: typeof import('node:worker_threads').Worker;
    try {
      ({ Worker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads'));
    } catch (e) {
      throw new BackendError(`node:worker_threads could not be loaded, so the kernels cannot use threads: ${(e as Error).message}`);
    }
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    return { post: (m) => w.postMessage(m), onMessage: (f) => w.once('message', f), end: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  // the URL is released once the worker has answered (it has loaded its script by then)
  const onMessage = (f: (m: unknown) => void) => { w.onmessage = (e) => { URL.revokeObjectURL(url); f(e.data); }; };
  return { post: (m) => w.postMessage(m), onMessage, end: () => { URL.revokeObjectURL(url); w.terminate(); } };
}
