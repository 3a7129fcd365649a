// Long synchronous work (a training run, a 200-token generation) on a page's main thread freezes
// it: no paint, no clicks, no timers (so no AbortSignal.timeout either). The loops here give the
// event loop one task whenever a frame's worth of time has passed: a few microseconds per ~16 ms.

/** Milliseconds (performance.now where there is one). */
export const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Resolves after the event loop's task queue has had a turn (not just the microtasks): Node's
 *  setImmediate, else a MessageChannel message (setTimeout(0) is clamped to 4 ms in browsers). */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel === 'function') {
    return new Promise((r) => { const ch = new MessageChannel(); ch.port1.onmessage = () => { ch.port1.close(); r(); }; ch.port2.postMessage(0); });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** A loop's pacer: `due()` is a promise to await once `everyMs` have passed since the last one,
 *  else null (awaiting nothing keeps a fast loop fast). */
export class Breather {
  private last = now();
  constructor(private readonly everyMs = 16) {}

  due(): Promise<void> | null {
    if (now() - this.last < this.everyMs) return null;
    return nextMacrotask().then(() => { this.last = now(); });
  }
}
