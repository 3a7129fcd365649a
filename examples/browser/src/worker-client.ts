// The page's side of the worker: requests as promises (each reply carries the request's id), and
// the progress events of training runs handed to `onEvent`.

import type { Request, TrainProgress } from './protocol.js';

export type Call = <T>(req: Request, transfer?: Transferable[]) => Promise<T>;

export function connect(onEvent: (p: TrainProgress) => void): Call {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  let nextId = 1;
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  worker.onmessage = (e: MessageEvent) => {
    const m = e.data;
    if ('event' in m) return onEvent(m as TrainProgress);
    const p = pending.get(m.rid);
    pending.delete(m.rid);
    if (m.error !== undefined) p?.fail(new Error(m.error));
    else p?.ok(m.result);
  };
  return <T>(req: Request, transfer: Transferable[] = []) => {
    const id = nextId++;
    return new Promise<T>((ok, fail) => {
      pending.set(id, { ok: ok as (v: unknown) => void, fail });
      worker.postMessage({ req, rid: id }, transfer);
    });
  };
}
