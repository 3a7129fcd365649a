// The errors of training.

/** Training cannot go on: a non-finite loss or gradient, named with its step. */
export class TrainingError extends Error {
  override name = 'TrainingError';
  constructor(message: string, readonly step: number) { super(message); }
}
