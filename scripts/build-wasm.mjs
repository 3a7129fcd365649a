// Builds crates/kernels into dist/glassgpt-<variant>.wasm: `simd` (wasm32 + simd128, one
// thread, the default everywhere) and `relaxed` (+ relaxed SIMD: matmul's and attention's multiply-adds fused
// where the CPU has FMA; opt-in only, since its bits then depend on the hardware).
// Always from source: a stale binary is never trusted (cargo decides what to recompile).
// A copy goes to ts/backend/wasm/ too: the loader finds the file beside itself, in dist/ when
// built and beside loader.ts when tests and benches run the TypeScript sources.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findToolchain, TARGET, say } from './toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The build variants. */
export const VARIANTS = {
  simd: { features: '+simd128', file: 'glassgpt-simd.wasm' },
  relaxed: { features: '+simd128,+relaxed-simd', file: 'glassgpt-relaxed.wasm' },
  // simd + shared memory for a pool of workers (ts/backend/wasm/threads.ts): the same kernels,
  // so the same bits as `simd`. The memory is imported (every worker instantiates over the one
  // the calling thread made) and may grow to the whole wasm32 space; each worker sets its own
  // shadow stack (__stack_pointer) and TLS block (__wasm_init_tls: thread_local pack panels).
  threads: {
    features: '+simd128,+atomics,+bulk-memory,+mutable-globals',
    file: 'glassgpt-threads.wasm',
    link: ['--shared-memory', '--import-memory', '--max-memory=4294967296', '--export=__wasm_init_tls',
      '--export=__tls_size', '--export=__tls_align', '--export=__tls_base', '--export=__stack_pointer'],
  },
};

export function buildWasm(variant = 'simd') {
  const v = VARIANTS[variant];
  if (!v) throw new Error(`unknown wasm variant ${variant}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const tc = findToolchain();
  // -disable-lsr: LLVM's loop strength reduction rewrites the kernels' address arithmetic into
  // wrapping adds that wasm loads cannot take as offsets; without it matmul's tile folds every
  // offset (1.06× on its own, 1.03–1.05× on whole GEMMs, training steps 1.02–1.08×, no kernel
  // slower beyond noise: benches/results/kernels.md).
  const rustflags = [`-C target-feature=${v.features}`, '-C llvm-args=-disable-lsr'];
  if (tc.linker) rustflags.push(`-C linker=${tc.linker}`);
  for (const arg of v.link ?? []) rustflags.push(`-C link-arg=${arg}`);
  const targetDir = join(root, 'target', variant);
  say(`building the ${variant} kernels with the ${tc.name} toolchain`);
  const r = spawnSync(tc.cargo, [...tc.args, 'build', '--release', '-p', 'glassgpt-kernels', '--target', TARGET, '--target-dir', targetDir], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...tc.env, RUSTFLAGS: rustflags.join(' ') },
  });
  if (r.status !== 0) throw new Error(`cargo build of the ${variant} kernels failed (exit ${r.status})`);
  const built = join(targetDir, TARGET, 'release', 'glassgpt_kernels.wasm');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const dest = join(root, 'dist', v.file);
  copyFileSync(built, dest);
  copyFileSync(built, join(root, 'ts', 'backend', 'wasm', v.file));
  say(`wrote dist/${v.file} (${(statSync(dest).size / 1024).toFixed(1)} KiB)`);
  return dest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] ? [process.argv[2]] : Object.keys(VARIANTS);
  try { for (const v of which) buildWasm(v); } catch (e) { console.error(e.message); process.exit(1); }
}
