// Builds the TypeScript library and CLI into dist/ with tsup. tsup's own `clean` would also
// delete the kernels' .wasm that build-wasm.mjs put there (and its two builds run at once), so
// the stale outputs of an earlier build are removed here first: chunk names change from build to
// build, and every file left in dist/ would end up in the package.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

export function buildTs() {
  mkdirSync(dist, { recursive: true });
  for (const f of readdirSync(dist)) if (!f.endsWith('.wasm')) rmSync(join(dist, f), { recursive: true });
  const tsup = join(dirname(createRequire(import.meta.url).resolve('tsup/package.json')), 'dist', 'cli-default.js');
  const r = spawnSync(process.execPath, [tsup, '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsup failed (exit ${r.status})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try { buildTs(); } catch (e) { console.error(e.message); process.exit(1); }
}
