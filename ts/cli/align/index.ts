// The alignment commands, for ts/cli/main.ts: `glassgpt sft`, `reward train`, `rlhf`, `dpo`,
// `label`. Each is (argv, io?) => exit code (0 ok, 1 failure, 2 usage error).
export { sftCommand } from './sft.js';
export { rewardCommand } from './reward.js';
export { rlhfCommand } from './rlhf.js';
export { dpoCommand } from './dpo.js';
export { labelCommand } from './label.js';
export type { CliIO } from '../args.js';
