// Public API of ts/io: safetensors on bytes (browser-safe). The atomic file writer is Node-only
// and imported from './save-node.js' directly so bundles for browsers never see node:fs.

export { readSafetensors, readSafetensorsHeader, writeSafetensors, SafetensorsError, type StFile, type StTensor, type StDType } from './safetensors.js';
