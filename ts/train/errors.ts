// The errors of training.

import { GlassgptError } from '../errors.js';

/** Training cannot go on: a non-finite loss or gradient, named with its step. */
export class TrainingError extends GlassgptError {
  readonly code: string = 'ERR_TRAINING';
  override name = 'TrainingError';
  constructor(message: string, readonly step: number) { super(message); }
}
