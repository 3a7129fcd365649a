// Runs the glassgpt CLI in-process and captures what it prints (faster than spawning, and the
// same code path as bin/glassgpt.js, which only imports main and sets the exit code).
import { vi } from 'vitest';
import { main } from '../../ts/cli/main.js';

export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { stdout += a.join(' ') + '\n'; });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { stderr += a.join(' ') + '\n'; });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore(); err.mockRestore(); log.mockRestore(); error.mockRestore();
  }
}
