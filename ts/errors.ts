// The base of every error glassgpt throws on purpose: `instanceof GlassgptError` tells them from
// bugs, and `code` is a stable name for programs (messages are for people and may be reworded).
// Each layer has its own subclasses (ShapeError, TokenizerError, SafetensorsError, …).

export abstract class GlassgptError extends Error {
  /** A stable identifier, e.g. "ERR_SHAPE"; never changes with the wording of the message. */
  abstract readonly code: string;
}

/** A number or option outside what a function accepts (a batch of 0, an unknown option, a token
 *  id outside the vocabulary): the message names the argument, the value and what is allowed. */
export class ArgumentError extends GlassgptError {
  readonly code: string = 'ERR_ARGUMENT';
  override name = 'ArgumentError';
}
