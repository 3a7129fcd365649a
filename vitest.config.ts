import { defineConfig } from 'vitest/config';

// The opt-in `relaxed` kernels need relaxed SIMD, on by default from Node 22; Node 20 has it
// behind a flag, which the test workers get so tests/backend/relaxed.test.ts runs everywhere.
const node = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    execArgv: node < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
