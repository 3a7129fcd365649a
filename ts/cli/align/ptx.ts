// PPO-ptx's data for `rlhf` and `dpo`: --ptx-data F (.jsonl: SFT conversations, loss on the
// assistant's tokens; any other file: pre-training text, one example per non-empty line),
// weighted by --ptx-coef γ (default 1).

import type { PtxOptions } from '../../align/ptx.js';
import { parseSftJsonl } from '../../align/sft-data.js';
import { readTextFile } from '../../io/read-node.js';
import { num, UsageError, type Options, type Values } from '../args.js';
import { nonEmptyLines } from './prompts.js';

export const PTX_OPTIONS: Options = { 'ptx-coef': { type: 'string' }, 'ptx-data': { type: 'string' } };
export const PTX_USAGE = '[--ptx-data F (SFT .jsonl, or text: one example a line) [--ptx-coef 1]]';

export function ptxFrom(v: Values): PtxOptions | undefined {
  const coef = num(v, 'ptx-coef', { min: 0 }), path = v['ptx-data'] as string | undefined;
  if (path === undefined) {
    if (coef !== undefined) throw new UsageError('--ptx-coef needs --ptx-data (the SFT .jsonl or pre-training text to mix in)');
    return undefined;
  }
  const text = readTextFile(path, 'ptx data');
  const data = path.endsWith('.jsonl') ? parseSftJsonl(text, path) : nonEmptyLines(text);
  return { data, coef: coef ?? 1 };
}
