// What the alignment commands share: strict argument parsing (node:util parseArgs; a bad
// argument is exit code 2 with the usage text), numeric options checked by name, the backend
// choice, and the reporter that prints a progress line on a terminal (rewritten in place) or one
// JSON object per line with --json.

import { UsageError } from '../args.js';
import { readTextFile } from '../../io/read-node.js';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import { backendLabel, backendProblem, openBackend, threadsProblem, type CliBackend } from '../backend.js';
import type { Backend } from '../../backend/backend.js';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where `label` reads a person's rankings (default process.stdin). */
  input?: Readable;
  /** Progress lines are redrawn in place only on a terminal. */
  tty?: boolean;
}
export const stdio: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stdout.isTTY === true };

// the CLI's one UsageError: the command prints it with the usage text and exits 2
export { UsageError };

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
export type Values = Record<string, string | boolean | undefined>;

const COMMON: Options = {
  json: { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
};

/** Parses argv against `options` plus --json, --backend, --seed, --help; returns null on --help. */
export function parse(argv: string[], options: Options, required: string[]): Values | null {
  let values: Values, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals: true }) as { values: Values; positionals: string[] });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const missing = required.filter((k) => values[k] === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  return values;
}

/** A numeric option: integer or real, with a lower bound; `dflt` when absent. */
export function num(v: Values, key: string, dflt: number, o: { int?: boolean; min?: number; gt?: number } = {}): number {
  const s = v[key];
  if (s === undefined) return dflt;
  const x = Number(s);
  const ok = typeof s === 'string' && s.trim() !== '' && Number.isFinite(x) && (!o.int || Number.isInteger(x)) &&
    (o.min === undefined || x >= o.min) && (o.gt === undefined || x > o.gt);
  if (!ok) {
    const need = [o.int ? 'an integer' : 'a number', o.min !== undefined ? `≥ ${o.min}` : '', o.gt !== undefined ? `> ${o.gt}` : ''].filter(Boolean).join(' ');
    throw new UsageError(`--${key} must be ${need}, got ${JSON.stringify(s)}`);
  }
  return x;
}

export async function backendOf(v: Values): Promise<Backend> {
  const name = (v.backend as string | undefined) ?? 'auto';
  const bad = backendProblem(name);
  if (bad) throw new UsageError(bad);
  const badThreads = threadsProblem(v.threads);
  if (badThreads) throw new UsageError(badThreads);
  return openBackend(name as CliBackend, undefined, v.threads === undefined ? undefined : Number(v.threads));
}

export async function readText(path: string, what: string): Promise<string> {
  return readTextFile(path, what); // size-checked, and invalid UTF-8 is warned about
}

/** Progress: `[#####.....] step 12/100 loss 1.234` redrawn on a terminal, every line kept
 *  otherwise; with --json each event is one JSON object per line. */
export class Reporter {
  private lastLen = 0;
  /** With `be`: a run header on stderr (text mode), and its backend and threads in the final
   *  JSON record (after the events, so the events keep their places). */
  constructor(private readonly io: CliIO, private readonly json: boolean, private readonly be?: Backend) {
    if (be && !json) io.err(`${backendLabel(be)}\n`);
  }

  progress(done: number, total: number, event: Record<string, unknown>, fields: Record<string, number | string>): void {
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

/** Runs a command body: usage errors → 2, other errors → 1, both printed with `glassgpt name:`. */
export async function run(name: string, usage: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) { io.err(`glassgpt ${name}: ${e.message}\n${usage}`); return 2; }
    io.err(`glassgpt ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Prompts from a file: JSONL records with a "prompt" field (.jsonl), else one per line. */
export function promptsFrom(text: string, path: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (!path.endsWith('.jsonl')) {
    const ps = lines.filter((l) => l.trim() !== '');
    if (!ps.length) throw new Error(`${path}: no prompts`);
    return ps;
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    let v: unknown;
    try { v = JSON.parse(l); } catch (e) { throw new Error(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`); }
    const p = (v as { prompt?: unknown } | null)?.prompt;
    if (typeof p !== 'string' || p.trim() === '') throw new Error(`${path}:${i + 1}: expected an object with a non-empty "prompt" string`);
    out.push(p);
  });
  if (!out.length) throw new Error(`${path}: no prompts`);
  return out;
}
