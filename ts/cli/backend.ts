// The --backend flag of every command: js, wasm, auto, or wasm-relaxed (the opt-in build whose
// matmuls and attention use fused multiply-adds: faster, but its bits depend on the CPU).

import { setFlagsFromString } from 'node:v8';
import { createBackend, type Backend } from '../backend/index.js';
import { UsageError, type Values } from './args.js';

export const BACKENDS = ['js', 'wasm', 'wasm-relaxed', 'auto'] as const;
export type CliBackend = (typeof BACKENDS)[number];
export const BACKEND_HELP = BACKENDS.join('|');

/** The message for a --backend value that is not one of BACKENDS, or null when it is. */
export function backendProblem(name: string): string | null {
  return (BACKENDS as readonly string[]).includes(name) ? null : `--backend must be js, wasm, wasm-relaxed or auto, got ${JSON.stringify(name)}`;
}

/** Node 20 has relaxed SIMD behind a V8 flag (on by default from Node 22). A process of our own
 *  (the CLI, a bench) may turn it on for itself, before any kernels module is compiled. */
export function enableRelaxedSimd(): void {
  if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** --threads N: how many threads the wasm kernels run on (default: the machine's cores, at most
 *  4). The message for a bad value, or null. */
export function threadsProblem(raw: unknown): string | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  return typeof raw === 'string' && /^\d+$/.test(raw) && n >= 1 ? null : `--threads must be a whole number ≥ 1, got ${JSON.stringify(raw)}`;
}
export const THREADS_HELP = '--threads N   threads for the wasm kernels (default: the cores, at most 4; same bits at any N)';

export async function openBackend(name: CliBackend, onFallback?: (e: Error) => void, threads?: number): Promise<Backend> {
  if (name !== 'wasm-relaxed') return createBackend(name, { ...(onFallback ? { onFallback } : {}), ...(threads ? { threads } : {}) });
  enableRelaxedSimd();
  return createBackend('wasm', { variant: 'relaxed', ...(threads ? { threads } : {}) });
}

/** What a run header says about the backend: its name, and its threads when it has kernels. */
export function backendLabel(be: Backend): string {
  return be.name === 'js' ? 'js backend' : `${be.name} backend · ${be.threads} thread${be.threads === 1 ? '' : 's'}`;
}

/** The backend that --backend and --threads ask for (a bad value is a UsageError). */
export async function backendOf(v: Values): Promise<Backend> {
  const name = (v.backend as string | undefined) ?? 'auto';
  const bad = backendProblem(name) ?? threadsProblem(v.threads);
  if (bad) throw new UsageError(bad);
  return openBackend(name as CliBackend, undefined, v.threads === undefined ? undefined : Number(v.threads));
}
