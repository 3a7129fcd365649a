// The backends every model/tensor test runs on (tfjs style: tests written once, run on each):
// js and wasm. The wasm kernels are built by `npm test`'s set-up, so a wasm that fails to load is
// a test failure, never a silent js-only run.

import type { Backend } from '../../ts/backend/backend.js';
import { createBackend } from '../../ts/backend/index.js';

export async function testBackends(): Promise<Backend[]> {
  return [await createBackend('js'), await createBackend('wasm')];
}
