// Errors of the tensor layer: one Error subclass per kind of misuse, each message naming the
// offending shape or value (DESIGN.md "Bad input").

import { GlassgptError } from '../errors.js';

/** Operands whose shapes do not fit the op (the message shows both shapes). */
export class ShapeError extends GlassgptError {
  readonly code: string = 'ERR_SHAPE';
  override name = 'ShapeError';
}

/** Autograd misuse: backward on a non-scalar, on a graph already consumed, or through an op
 *  that has no backward. */
export class GradError extends GlassgptError {
  readonly code: string = 'ERR_GRAD';
  override name = 'GradError';
}

/** `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
