// Builds the TypeScript library and CLI into dist/ with tsup. tsup's own `clean` would also
// delete the kernels' .wasm that build-wasm.mjs put there (and its two builds run at once), so
// the stale outputs of an earlier build are removed here first: chunk names change from build to
// build, and every file left in dist/ would end up in the package.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Newest modification time (ms) of the files under dir, recursively. */
function newest(dir) {
  let t = 0;
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    // the kernels' .wasm copied beside the loader is an input of the tests, not of tsup
    if (d.isFile() && !d.name.endsWith('.wasm')) t = Math.max(t, statSync(join(d.parentPath, d.name)).mtimeMs);
  }
  return t;
}

/** Whether dist/ was built after the last change to the sources and the build's configuration. */
export function tsUpToDate() {
  const built = join(dist, 'cli.js');
  if (!existsSync(built)) return false;
  const inputs = Math.max(newest(join(root, 'ts')), ...['tsup.config.ts', 'package.json', 'tsconfig.json'].map((f) => statSync(join(root, f)).mtimeMs));
  return statSync(built).mtimeMs > inputs;
}

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
