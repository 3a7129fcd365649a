// parity.html's script: exposes the shared parity run, on the package as bundled for browsers.
import * as glassgpt from 'glassgpt';
import { parityRun, sampleFromCheckpoint, type ParityBackend, type ParityLib } from './parity-run.js';

const lib = glassgpt as unknown as ParityLib;
(window as unknown as { parity: unknown }).parity = {
  run: (backend: ParityBackend) => parityRun(lib, backend),
  sample: (backend: ParityBackend, base64: string) => sampleFromCheckpoint(lib, backend, base64),
};
document.getElementById('status')!.textContent = 'ready';
