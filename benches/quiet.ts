// Waits until the machine is quiet enough for a 2-thread number to mean something: polls the
// 1-minute load average (/proc/loadavg on Linux, os.loadavg() here) until it is below a bound,
// or gives up after a timeout and says so. Other engineers' test suites share this VM's two
// cores; a run started at load 4 measures them as much as us (benches/results/threads.md).
// As a module: `await waitForQuiet({ below: 1.2, timeoutS: 900 })`. As a command (before a
// Python or CLI run): `npx tsx benches/quiet.ts [--below 1.2] [--timeout 900]`, exit 0 when
// quiet, 1 when it timed out; either way it prints the load it started at.

import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

export interface Quiet { quiet: boolean; load: number; waitedS: number }

export async function waitForQuiet({ below = 1.2, timeoutS = 900, pollS = 5, log = true } = {}): Promise<Quiet> {
  const t0 = Date.now();
  for (let tick = 0; ; tick++) {
    const load = loadavg()[0], waitedS = Math.round((Date.now() - t0) / 1000);
    if (load < below) return { quiet: true, load, waitedS };
    if (waitedS >= timeoutS) {
      if (log) console.error(`load ${load.toFixed(2)} still ≥ ${below} after ${waitedS} s: running anyway, the numbers are under load`);
      return { quiet: false, load, waitedS };
    }
    if (log && tick % 12 === 0) console.error(`waiting for load < ${below} (now ${load.toFixed(2)}, ${waitedS} s)`);
    await new Promise((r) => setTimeout(r, pollS * 1000));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const a = process.argv.slice(2);
  const num = (name: string, def: number) => { const i = a.indexOf(`--${name}`); return i >= 0 ? Number(a[i + 1]) : def; };
  const q = await waitForQuiet({ below: num('below', 1.2), timeoutS: num('timeout', 900) });
  console.log(`load ${q.load.toFixed(2)} (${q.quiet ? 'quiet' : 'NOT quiet'}, waited ${q.waitedS} s) ${new Date().toISOString()}`);
  process.exit(q.quiet ? 0 : 1);
}
