// The code every pool worker runs (threads.ts), kept as a string: a worker is started from it
// (`new Worker(code, { eval: true })` in Node, a blob: URL in browsers), so no second file has to
// be found, shipped or bundled, and Node does not have to load TypeScript sources in a worker.
//
// The worker instantiates the threads build over the shared memory, takes its own shadow stack
// (__stack_pointer) and TLS block (__wasm_init_tls: the kernels' thread_local pack panels), says
// 'ready', then loops: wait for the job counter to move, run its part of the job (if the job has
// one for it), count itself done. Every worker counts itself done on every job, parts or not, so
// the caller's next job is written only when no worker still reads the last one; and a wake-up
// that finds the counter unmoved is not a job. Such wake-ups happen: the caller bumps the counter
// and then notifies, and when it is preempted in between, a spinning worker sees the bump, runs
// the job, and is back asleep by the time the late notify wakes it. Taking that wake-up for a
// job re-ran the last one and counted the worker twice, and the caller waited forever (at step
// 96 of a training run; tests/backend/threads.test.ts's stress test). It never allocates from JS
// and never posts per job: the control block is enough.

/** Slots of the Int32Array control block (shared with threads.ts). */
export const CTL = { gen: 0, done: 1, fn: 2, parts: 3, stop: 4, error: 5, nargs: 6 } as const;
/** Byte offset of the Float64 arguments in the control block, and how many fit. */
export const ARGS_AT = 64;
export const MAX_ARGS = 24;
export const CTL_BYTES = ARGS_AT + 8 * MAX_ARGS;
/** Loads of the job counter before a worker sleeps in Atomics.wait (about 0.1–0.3 ms): the
 *  kernels of a step come microseconds apart, and waking a sleeping worker cost ~0.1 ms here
 *  (a VM): with 4,000 loads (a few µs) every 0.1 ms decode product paid it and ran 0.5–0.7× one
 *  thread. A worker spins this long once per burst of kernels, not per kernel. */
export const SPIN = 100_000;
/** The spin when there are more threads than cores: a spinning thread would then take the core
 *  that the thread doing the work needs (3 threads on 2 cores: 40,000 small jobs took over 120 s
 *  with SPIN, 12 s with this). */
export const SPIN_OVERSUBSCRIBED = 2000;

export const WORKER_SOURCE = `
'use strict';
const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const threadsModule = 'node:worker_threads'; // a name, not a literal require: no scanner takes it for an import
const port = isNode ? require(threadsModule).parentPort : self;
const onMessage = (f) => isNode ? port.once('message', f) : (self.onmessage = (e) => { self.onmessage = null; f(e.data); });
onMessage((m) => {
  let ex;
  try {
    ex = new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports;
    ex.__stack_pointer.value = m.stackTop;
    ex.__wasm_init_tls(m.tls);
  } catch (e) {
    port.postMessage({ error: String(e && e.message || e) });
    return;
  }
  const fns = m.names.map((n) => ex[n]);
  const ctl = new Int32Array(m.ctl, 0, 16);
  const args = new Float64Array(m.ctl, ${ARGS_AT}, ${MAX_ARGS});
  const me = m.index;
  let seen = m.gen;
  port.postMessage({ ready: true });
  for (;;) {
    let spins = 0, g;
    while ((g = Atomics.load(ctl, ${CTL.gen})) === seen) {
      if (spins++ >= m.spin) Atomics.wait(ctl, ${CTL.gen}, seen);
    }
    seen = g;
    if (Atomics.load(ctl, ${CTL.stop})) break;
    const parts = Atomics.load(ctl, ${CTL.parts});
    if (me < parts) {
      try {
        const a = Array.prototype.slice.call(args, 0, Atomics.load(ctl, ${CTL.nargs}));
        a.push(me, parts);
        fns[Atomics.load(ctl, ${CTL.fn})].apply(null, a);
      } catch (e) {
        Atomics.store(ctl, ${CTL.error}, 1);
      }
    }
    if (Atomics.add(ctl, ${CTL.done}, 1) === m.workers - 1) Atomics.notify(ctl, ${CTL.done});
  }
  if (isNode) port.close(); else self.close();
});
`;
