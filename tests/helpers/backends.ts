// The backends every model/tensor test runs on (tfjs style: tests written once, run on each).
// js always, plus wasm when it loads. While the wasm build is being finished a load failure falls
// back to js with a warning; GLASSGPT_REQUIRE_WASM=1 makes it fatal (the lead will make that the
// default once the kernels ship).

import type { Backend } from '../../ts/backend/backend.js';
import { JsBackend } from '../../ts/backend/js/index.js';

type Factory = { createBackend(kind: 'wasm' | 'js' | 'auto'): Promise<Backend> };

let warned = false;

export async function testBackends(): Promise<Backend[]> {
  const out: Backend[] = [new JsBackend()];
  let mod: Factory;
  try {
    const path = '../../ts/backend/index.js'; // a variable: typecheck passes without the file
    mod = (await import(/* @vite-ignore */ path)) as Factory;
  } catch (e) {
    if (process.env.GLASSGPT_REQUIRE_WASM === '1') throw e;
    return out;
  }
  try {
    out.push(await mod.createBackend('wasm'));
  } catch (e) {
    if (process.env.GLASSGPT_REQUIRE_WASM === '1') throw e;
    if (!warned) console.warn(`testBackends: wasm unavailable, testing js only: ${(e as Error).message}`);
    warned = true;
  }
  return out;
}
