// The CLI's one argument parser, over node:util parseArgs: strict (an unknown flag or a missing
// value is a UsageError), every numeric flag checked by name, and one way for a command to end:
// 0 done, 1 failed (the message), 2 misused (the message and the usage text).

import { parseArgs } from 'node:util';
import { GlassgptError } from '../errors.js';

export class UsageError extends GlassgptError {
  readonly code: string = 'ERR_USAGE';
  override name = 'UsageError';
}

/** Where a command writes; tests pass their own. */
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where `label` reads a person's rankings (default process.stdin). */
  input?: NodeJS.ReadableStream;
  /** Progress lines are redrawn in place only on a terminal. */
  tty?: boolean;
}
export const stdio: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stdout.isTTY === true };

export type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** The flags of every command that runs a model: --json, --backend, --threads, --seed. */
export const RUN_OPTIONS: Options = {
  json: { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' }, seed: { type: 'string' },
};

/** Parses argv (flags only: a subcommand is taken off argv[0] before) against `options` and
 *  --help / -h; null when help was asked for. `required` flags must be present. */
export function parse(argv: string[], options: Options, required: string[] = []): Values | null {
  let values: Values, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }));
  } catch (e) {
    throw new UsageError((e as Error).message); // "Unknown option '--x'", "Option '--steps <value>' argument missing"
  }
  if (values.help) return null;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const missing = required.filter((k) => values[k] === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  return values;
}

interface NumRule { int?: boolean; min?: number; max?: number; gt?: number }

/** The number given for --key (undefined when absent: `num(v, 'steps', …) ?? 200`); integers and
 *  bounds are checked, and a bad value is a UsageError naming the flag. */
export function num(v: Values, key: string, rule: NumRule = {}): number | undefined {
  const s = v[key];
  if (s === undefined) return undefined;
  const x = Number(s);
  const ok = typeof s === 'string' && s.trim() !== '' && Number.isFinite(x) && (!rule.int || Number.isInteger(x)) &&
    (rule.min === undefined || x >= rule.min) && (rule.max === undefined || x <= rule.max) && (rule.gt === undefined || x > rule.gt);
  if (!ok) {
    const bounds = [rule.min !== undefined ? `≥ ${rule.min}` : '', rule.gt !== undefined ? `> ${rule.gt}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''];
    const need = `${rule.int ? 'an integer' : 'a number'} ${bounds.filter(Boolean).join(' and ')}`.trim();
    throw new UsageError(`--${key} must be ${need}, got ${JSON.stringify(s)}`);
  }
  return x;
}

/** --key's value when it is one of `allowed` (`dflt` when absent), else a UsageError. */
export function choice<T extends string>(v: Values, key: string, allowed: readonly T[], dflt?: T): T {
  const s = v[key] ?? dflt;
  if (typeof s !== 'string' || !(allowed as readonly string[]).includes(s)) {
    throw new UsageError(`--${key} must be ${allowed.slice(0, -1).join(', ')}${allowed.length > 1 ? ' or ' : ''}${allowed.at(-1)}, got ${JSON.stringify(s)}`);
  }
  return s as T;
}

/** Runs a command body: its exit code, or 2 for a UsageError (printed with the usage text) and
 *  1 for any other error (printed as `glassgpt name: message`). */
export async function command(name: string, usage: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) { io.err(`glassgpt ${name}: ${e.message}\n${usage.endsWith('\n') ? usage : usage + '\n'}`); return 2; }
    io.err(`glassgpt ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}
