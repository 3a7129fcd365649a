// A frozen copy of a GPT (the reference model of PPO, GRPO and DPO: InstructGPT's π^SFT). Same
// config means the same ParameterStore layout, so the copy is one buffer write.

import { GPT } from '../model/gpt.js';

export function copyModel(model: GPT): GPT {
  const copy = new GPT(model.backend, model.config);
  const be = model.backend;
  be.write(copy.params.data, be.read(model.params.data));
  return copy.eval();
}
