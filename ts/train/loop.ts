// The surface every trainer shares — pre-training, SFT, the reward model, DPO, PPO, GRPO: a step
// counter, `trainStep()` (or PPO's and GRPO's async iteration) as the unit of work, `run()` as an
// async iterable of events that stops on `stop()` or an AbortSignal and yields to the event loop,
// and training state (AdamW's moments, step, RNG, dropout counter) that resumes bit for bit.
// A trainer supplies its step and what its state is made of; the weights are saved apart.

import type { GPT } from '../model/gpt.js';
import type { Rng } from '../tensor/random.js';
import type { AdamW } from './adamw.js';
import { readTrainState, writeTrainState } from './state.js';
import { Breather } from '../yield.js';

/** What `run()` yields: each step's event, evaluations where the trainer has them, then done. */
export type LoopEvent<S, V = never, D = object> =
  | ({ type: 'step' } & S)
  | ({ type: 'eval'; step: number } & V)
  | ({ type: 'done'; step: number; stopped: boolean } & D);

/** The parts of a trainer that a resume needs besides the weights. */
export interface LoopState {
  model: GPT; // its dropout-mask counter
  optimizers: readonly AdamW[];
  rng: Rng; // the batch / prompt sampler
  /** Further counters as strings (e.g. PPO's adaptive KL coefficient), restored by restore(). */
  extra?: Record<string, string>;
}

export abstract class TrainLoop<S extends { step: number }, V = never, D = object> {
  /** Steps (PPO/GRPO: iterations) completed. */
  step = 0;
  private stopRequested = false;

  /** @param steps the planned number of steps: run() stops there, schedules end there. */
  constructor(readonly steps: number) {}

  /** One step: the trainer's batch, loss and optimizerStep (train/step.ts). */
  protected abstract next(): S | Promise<S>;
  /** What saveState()/loadState() carry. */
  protected abstract state(): LoopState;
  /** An evaluation after step `step`, or null (the default: none). */
  protected evaluateAt(_step: number): V | null { return null; }
  /** Restores state().extra's counters. */
  protected restore(_extra: Record<string, string>): void {}
  /** What the 'done' event adds (e.g. the last losses and the speed). */
  protected summary(): D { return {} as D; }

  /** Asks a running run() to stop after the current step. */
  stop(): void { this.stopRequested = true; }

  /** Steps from the current one up to `until` (default: all planned), yielding each step's
   *  event, evaluations, and a final 'done' (stopped: true when ended early). */
  async *run(o: { until?: number; signal?: AbortSignal } = {}): AsyncGenerator<LoopEvent<S, V, D>> {
    const until = Math.min(o.until ?? this.steps, this.steps);
    this.stopRequested = false;
    const breather = new Breather(); // lets a page paint, a worker read its messages, a signal fire
    while (this.step < until && !this.stopRequested && !o.signal?.aborted) {
      yield { type: 'step', ...(await this.next()) };
      const ev = this.evaluateAt(this.step);
      if (ev !== null) yield { type: 'eval', step: this.step, ...ev };
      await breather.due();
    }
    yield { type: 'done', step: this.step, stopped: this.step < until, ...this.summary() };
  }

  /** Optimizer moments, step, RNG and dropout counter as safetensors bytes; `metadata` rides
   *  in the header (e.g. a save_id pairing the file with its weights). */
  saveState(metadata: Record<string, string> = {}): Uint8Array {
    const s = this.state();
    return writeTrainState(s.model, s.optimizers, { step: this.step, rng: s.rng.getState() }, s.extra, metadata);
  }

  /** Restores what saveState wrote; the weights must already be the matching ones. */
  loadState(bytes: Uint8Array): void {
    const s = this.state();
    const c = readTrainState(bytes, s.model, s.optimizers);
    this.step = c.step;
    s.rng.setState(c.rng);
    this.restore(c.extra);
  }
}

