// Errors of the generation layer: a bad option names the option and the value (DESIGN "Bad
// input"); a run that cannot continue (every token filtered out) says why.

import { GlassgptError } from '../errors.js';

/** An invalid generation option: `temperature`, `topP`, an unknown token id in `logitBias`, … */
export class GenerateOptionsError extends GlassgptError {
  readonly code: string = 'ERR_GENERATE_OPTIONS';
  override name = 'GenerateOptionsError';
}

/** Generation cannot continue (e.g. the processors removed every token). */
export class GenerateError extends GlassgptError {
  readonly code: string = 'ERR_GENERATE';
  override name = 'GenerateError';
}
