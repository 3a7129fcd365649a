// The optimizer half of a training checkpoint: AdamW's moments by parameter name
// (exp_avg.<name>, exp_avg_sq.<name>, PyTorch's state names) plus step, Adam's t, the batch
// RNG state and the model's dropout-mask counter in the metadata: everything besides the weights
// that a resume needs to continue bit for bit.

import { GlassgptError } from '../errors.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import type { GPT } from '../model/gpt.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AdamW } from './adamw.js';

export class TrainStateError extends GlassgptError {
  readonly code: string = 'ERR_TRAIN_STATE';
  override name = 'TrainStateError';
}

/** AdamW's moments must be finite, and the second moment (a mean of squares) non-negative: a
 *  NaN here would poison every weight at the first resumed step. */
function checkMoment(name: string, data: ArrayLike<number>, where: string): void {
  const second = name.startsWith('exp_avg_sq.');
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (!Number.isFinite(x) || (second && x < 0)) {
      throw new TrainStateError(`${where}: ${name} holds ${x} at ${i}, ${second ? 'a second moment must be finite and ≥ 0' : 'a moment must be finite'} ` +
        '(the run diverged, or the file is damaged); resume from an earlier checkpoint or start over with --force');
    }
  }
}

export interface TrainCounters {
  step: number; // optimizer steps done
  rng: number; // batch sampler state
}

/** Every parameter of every optimizer's store, with its optimizer (names are unique across a
 *  backbone and its heads: "v_head.weight" beside "h.0.…"). */
function named(opts: readonly AdamW[]): [string, AdamW, number, Tensor][] {
  const out: [string, AdamW, number, Tensor][] = [], seen = new Set<string>();
  for (const opt of opts) {
    for (const [name, t] of opt.params.named()) {
      if (seen.has(name)) throw new TrainStateError(`train state: two parameter stores both have "${name}"`);
      seen.add(name);
      out.push([name, opt, opt.params.offsetOf(name), t]);
    }
  }
  return out;
}

/** `extra` comes back from readTrainState (a trainer's own counters); `metadata` is for whoever
 *  reads the file's header (e.g. the save_id that pairs it with its weights). */
export function writeTrainState(model: GPT, opts: readonly AdamW[], c: TrainCounters, extra: Record<string, string> = {}, metadata: Record<string, string> = {}): Uint8Array {
  const be = model.backend;
  const tensors: [string, { shape: readonly number[]; data: Float32Array }][] = [];
  for (const [name, opt, off, t] of named(opts)) {
    tensors.push([`exp_avg.${name}`, { shape: t.shape, data: be.read(be.slice(opt.m, off, t.size)) as Float32Array }]);
    tensors.push([`exp_avg_sq.${name}`, { shape: t.shape, data: be.read(be.slice(opt.v, off, t.size)) as Float32Array }]);
  }
  for (const [name, t] of tensors) checkMoment(name, t.data, 'not saving');
  const more = Object.fromEntries(Object.entries(extra).map(([k, v]) => [`extra.${k}`, v]));
  return writeSafetensors(tensors, {
    ...metadata, kind: 'glassgpt-train-state', step: String(c.step), adam_t: String(opts[0].t), rng: String(c.rng),
    dropout_seed: String(model.dropoutState.seed), dropout_calls: String(model.dropoutState.calls),
    adamw: JSON.stringify(opts[0].opts), ...more,
  });
}

export function readTrainState(bytes: Uint8Array, model: GPT, opts: readonly AdamW[]): TrainCounters & { extra: Record<string, string> } {
  const f = readSafetensors(bytes);
  if (f.metadata.kind !== 'glassgpt-train-state') throw new TrainStateError('train state: not a glassgpt training state file (metadata "kind" missing)');
  const int = (k: string) => {
    const v = Number(f.metadata[k]);
    if (!Number.isInteger(v) || v < 0) throw new TrainStateError(`train state: metadata "${k}" is ${JSON.stringify(f.metadata[k])}, not a non-negative integer`);
    return v;
  };
  const be = model.backend;
  for (const [name, opt, off, t] of named(opts)) {
    for (const [prefix, buf] of [['exp_avg', opt.m], ['exp_avg_sq', opt.v]] as const) {
      const s = f.tensors.get(`${prefix}.${name}`);
      if (!s) throw new TrainStateError(`train state: missing ${prefix}.${name}`);
      if (s.shape.join() !== t.shape.join()) throw new TrainStateError(`train state: ${prefix}.${name} has shape [${s.shape}], the model has [${t.shape}]`);
      if (s.dtype !== 'F32') throw new TrainStateError(`train state: ${prefix}.${name} has dtype ${s.dtype}, expected F32`);
      checkMoment(`${prefix}.${name}`, s.data, 'train state');
      be.write(be.slice(buf, off, t.size), s.data);
    }
  }
  const t = int('adam_t');
  for (const opt of opts) opt.t = t;
  model.dropoutState = { seed: int('dropout_seed'), calls: int('dropout_calls') };
  const extra = Object.fromEntries(Object.entries(f.metadata).filter(([k]) => k.startsWith('extra.')).map(([k, v]) => [k.slice(6), v]));
  return { step: int('step'), rng: int('rng'), extra };
}
