// One-step set-up for a fresh machine, run by `npm run demo` and `npm test`: installs the npm
// packages, finds or installs the Rust wasm toolchain, builds the kernels from source and the
// TypeScript into dist/. The demo needs the default `simd` and `threads` kernels; with --tests the opt-in
// `relaxed` kernels are built too (their tests and the packed tarball need them), and a Chromium
// is made sure of for the browser tests. It says what it does; each step is skipped when done.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTs, tsUpToDate } from './build-ts.mjs';
import { buildWasm, VARIANTS } from './build-wasm.mjs';
import { say } from './toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) { console.error(`[glassgpt setup] ${cmd} ${args.join(' ')} failed`); process.exit(r.status ?? 1); }
};

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) { console.error(`glassgpt needs Node 20 or newer (this is ${process.version})`); process.exit(1); }

const stamp = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(stamp) || statSync(stamp).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  say('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const forTests = process.argv.includes('--tests');
// threads: Node's default backend runs on it (ts/backend/wasm/thread-choice.ts)
try { for (const v of forTests ? Object.keys(VARIANTS) : ['simd', 'threads']) buildWasm(v); } catch (e) { console.error(e.message); process.exit(1); }

if (tsUpToDate()) say('the TypeScript library in dist/ is up to date');
else {
  say('building the TypeScript library into dist/ (tsup)');
  try { buildTs(); } catch (e) { console.error(e.message); process.exit(1); }
}

if (forTests) {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) {
    if (process.getuid?.() === 0) {
      say("installing Debian's chromium for the browser tests (apt-get install chromium)");
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } else {
      say('no Chromium found: browser tests will be skipped (install the chromium package to run them)');
    }
  }
}
