// Steppers advance B equal-length sequences in lockstep and return each one's next-token logits:
// prefill the prompts in one batched forward, then one token at a time. NoCacheStepper
// recomputes the whole window at every step (nanoGPT's generate(): the slow, obvious reference);
// CachedStepper (cached-stepper.ts) keeps K and V on the backend. Both share the window policy.

import { inference } from '../model/inference.js';
import type { GPT } from '../model/gpt.js';
import { ContextWindow } from './window.js';
import { ArgumentError } from '../errors.js';

export interface Stepper {
  /** Starts from prompts of equal length; returns each row's last-position logits [V]. */
  prefill(rows: readonly (readonly number[])[]): Float32Array[];
  /** Appends one token per live row; returns the next logits per row. */
  step(tokens: readonly number[]): Float32Array[];
  /** Keeps only these rows, in this order (finished sequences leave the batch). */
  select(rows: readonly number[]): void;
  free(): void;
}

/** Token history and the window, common to both steppers. */
export abstract class WindowedStepper implements Stepper {
  protected rows: number[][] = [];
  protected readonly window: ContextWindow;

  constructor(protected readonly model: GPT, keep: number) {
    this.window = new ContextWindow(model.config.blockSize, keep);
  }

  prefill(rows: readonly (readonly number[])[]): Float32Array[] {
    if (rows.length === 0 || rows.some((r) => r.length !== rows[0].length || r.length === 0)) {
      throw new ArgumentError('Stepper.prefill: needs at least one row, all of the same non-zero length');
    }
    this.rows = rows.map((r) => [...r]);
    this.window.reset(this.rows[0].length);
    return this.forwardWindow();
  }

  step(tokens: readonly number[]): Float32Array[] {
    if (tokens.length !== this.rows.length) throw new ArgumentError(`Stepper.step: ${tokens.length} tokens for ${this.rows.length} rows`);
    this.rows.forEach((r, i) => r.push(tokens[i]));
    return this.window.grow(this.rows[0].length) ? this.forwardWindow() : this.forwardNext(tokens);
  }

  select(rows: readonly number[]): void {
    this.rows = rows.map((i) => this.rows[i]);
  }

  free(): void {}

  /** The window's tokens per row. */
  protected windowRows(): number[][] {
    return this.rows.map((r) => r.slice(this.window.start));
  }

  /** Runs the model on the whole window (prefill, re-prefill). */
  protected abstract forwardWindow(): Float32Array[];
  /** Runs the model for the newest token of each row. */
  protected abstract forwardNext(tokens: readonly number[]): Float32Array[];

  /** Calls fn in eval mode, without autograd, inside a backend scope (the step's arena). */
  protected run<T>(fn: () => T): T {
    return inference(this.model, () => this.model.backend.scope(fn));
  }
}

/** Recomputes the full window every step; reads back only the last position's logits. */
export class NoCacheStepper extends WindowedStepper {
  protected forwardWindow(): Float32Array[] {
    return this.run(() => {
      const { logits } = this.model.forward(this.windowRows());
      const [B, T, V] = logits.shape, be = this.model.backend;
      return Array.from({ length: B }, (_, b) => be.read(be.slice(logits.data, (b * T + T - 1) * V, V)) as Float32Array);
    });
  }

  protected forwardNext(): Float32Array[] {
    return this.forwardWindow();
  }
}
