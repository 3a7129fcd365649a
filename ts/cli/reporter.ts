// What a training command prints: a progress line per step on a terminal (redrawn in place) or
// kept line by line elsewhere, or one JSON object per line with --json; and the final record.

import type { Backend } from '../backend/backend.js';
import type { CliIO } from './args.js';
import { backendLabel } from './backend.js';

/** Progress: `[#####.....] step 12/100 loss 1.234` redrawn on a terminal, every line kept
 *  otherwise; with --json each event is one JSON object per line. */
export class Reporter {
  private lastLen = 0;
  /** With `be`: a run header on stderr (text mode), and its backend and threads in the final
   *  JSON record (after the events, so the events keep their places). */
  constructor(private readonly io: CliIO, private readonly json: boolean, private readonly be?: Backend) {
    if (be && !json) io.err(`${backendLabel(be)}\n`);
  }

  progress(done: number, total: number, event: object, fields: Record<string, number | string>): void {
    if (this.json) { this.io.out(JSON.stringify(event) + '\n'); return; }
    const width = 20, fill = total > 0 ? Math.round((done / total) * width) : width;
    const text = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ` +
      Object.entries(fields).map(([k, x]) => `${k} ${typeof x === 'number' ? fmt(x) : x}`).join('  ');
    if (this.io.tty) { this.io.out('\r' + text.padEnd(this.lastLen)); this.lastLen = text.length; if (done === total) this.io.out('\n'); }
    else this.io.out(text + '\n');
  }

  /** A final or standalone record: JSON with --json, else "key value" text. */
  result(event: Record<string, unknown>, text: string): void {
    const run = this.be ? { backend: this.be.name, threads: this.be.threads } : {};
    this.io.out(this.json ? JSON.stringify({ ...event, ...run }) + '\n' : text + '\n');
  }
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x.toFixed(3);
}
