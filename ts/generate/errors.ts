// Errors of the generation layer: a bad option names the option and the value (DESIGN "Bad
// input"); a run that cannot continue (every token filtered out) says why.

/** An invalid generation option: `temperature`, `topP`, an unknown token id in `logitBias`, … */
export class GenerateOptionsError extends Error {
  override name = 'GenerateOptionsError';
}

/** Generation cannot continue (e.g. the processors removed every token). */
export class GenerateError extends Error {
  override name = 'GenerateError';
}
