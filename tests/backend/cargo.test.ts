// The Rust kernels' own tests (`cargo test`, run natively: crate-type rlib), so the suite that CI
// runs includes them. Debian's cargo (installed by the set-up for the wasm build) when present,
// else the cargo on PATH; either builds for the host with the std it ships.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CARGO = existsSync('/usr/bin/cargo') ? '/usr/bin/cargo' : 'cargo';

describe('crates/kernels', () => {
  it('passes cargo test', () => {
    const r = spawnSync(CARGO, ['test', '--release', '-p', 'glassgpt-kernels', '--target-dir', join(ROOT, 'target', 'native')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RUSTC: CARGO === '/usr/bin/cargo' ? '/usr/bin/rustc' : 'rustc' } });
    const results = [...(r.stdout + r.stderr).matchAll(/test result: (\w+)\. (\d+) passed; (\d+) failed/g)];
    const passed = results.reduce((n, m) => n + Number(m[2]), 0), failed = results.reduce((n, m) => n + Number(m[3]), 0);
    expect({ status: r.status, failed }, r.stdout + r.stderr).toEqual({ status: 0, failed: 0 });
    expect(passed).toBeGreaterThanOrEqual(10);
  }, 600_000);
});
