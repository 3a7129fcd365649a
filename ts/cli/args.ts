// Small helpers over node:util parseArgs: typed numbers with the flag named in every error.

import { GlassgptError } from '../errors.js';

export class UsageError extends GlassgptError {
  readonly code: string = 'ERR_USAGE';
  override name = 'UsageError';
}

/** The number given for --flag (undefined when absent); integers and bounds checked. */
export function num(values: Record<string, unknown>, flag: string, o: { int?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const bad = raw === '' || !Number.isFinite(v) || (o.int && !Number.isInteger(v)) ||
    (o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max);
  if (bad) {
    const range = [o.min !== undefined ? `≥ ${o.min}` : '', o.max !== undefined ? `≤ ${o.max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`--${flag} must be ${o.int ? 'an integer' : 'a number'}${range ? ' ' + range : ''}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** parseArgs errors (unknown flag, missing value) as UsageErrors. */
export function usageErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message);
    throw e;
  }
}
