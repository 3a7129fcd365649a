// Errors of the tensor layer: one Error subclass per kind of misuse, each message naming the
// offending shape or value (DESIGN.md "Bad input").

/** Operands whose shapes do not fit the op (the message shows both shapes). */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Autograd misuse: backward on a non-scalar, on a graph already consumed, or through an op
 *  that has no backward. */
export class GradError extends Error {
  override name = 'GradError';
}

/** `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
