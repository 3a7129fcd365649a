// Public API of the tensor layer: Tensor and autograd (micrograd-style tape over Backend kernels),
// the differentiable ops of a GPT, losses, the parameter registry and the seeded PRNG.

// record/sameBackend let other layers write their own ops (forward + backward closure).
export { Tensor, noGrad, isGradEnabled } from './tensor.js';
export { ShapeError, GradError } from './errors.js';
export { reshape, add, mul, scale, sum, mean, linear, linearT, embedding, layernorm, gelu, dropout, attention } from './ops.js';
export { IGNORE_INDEX, crossEntropy, crossEntropyRows, tokenLogprobs, softmax, logSoftmax } from './loss.js';
export { ParameterStore, type ParamSpec } from './params.js';
export { Rng } from './random.js';
