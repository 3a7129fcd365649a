// The messages between the page (main.ts) and the training worker (worker.ts). Requests travel as
// { req, rid } and get one reply { rid, result | error }; training progress arrives as events without one.

export interface ModelSettings {
  vocabSize: number; // BPE vocabulary: 256 bytes + merges + special tokens
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  steps: number;
  batchSize: number;
  lr: number;
}

export type Request =
  | { type: 'init' }
  | { type: 'train'; text: string; settings: ModelSettings }
  | { type: 'stop' }
  | { type: 'inspect'; text: string }
  | { type: 'neighbours'; id: number }
  /** chat: the prompt goes in the chat template and generation stops at the model's <|end|>. */
  | { type: 'generate'; prompt: string; chat: boolean; temperature: number; topK: number; topP: number; maxTokens: number; seed: number }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array }
  | { type: 'loadHf'; files?: File[]; url?: string }
  | { type: 'alignSamples'; prompts: string[]; k: number; maxTokens: number; seed: number; chat: boolean }
  | { type: 'alignTrain'; records: Ranking[]; steps: number }
  | { type: 'sftPreview'; pairs: Pair[] }
  | { type: 'sftTrain'; pairs: Pair[]; steps: number; lr: number }
  | { type: 'policyTrain'; method: PolicyMethod; records: Ranking[]; settings: PolicySettings }
  | { type: 'atOnce'; text: string }
  | { type: 'embeddingMap' };

export type TrainProgress =
  | { event: 'tokenizer'; vocabSize: number; tokens: number; ms: number }
  | { event: 'step'; step: number; steps: number; loss: number; tokensPerSec: number }
  | { event: 'eval'; step: number; trainLoss: number; valLoss: number | null }
  | { event: 'reward'; step: number; steps: number; loss: number; accuracy: number }
  | { event: 'sft'; step: number; steps: number; loss: number }
  /** One policy step: PPO/GRPO report the mean reward; DPO its margin. KL is per response, in nats. */
  | { event: 'policy'; step: number; steps: number; reward: number; kl: number }
  /** An HF folder's config.json was read: what loading its weights will take. */
  | { event: 'hf'; params: number; bytes: number; nLayer: number; nEmbd: number; vocabSize: number };

export interface PieceView { id: number; text: string; special: boolean }
export interface Prob { id: number; text: string; prob: number }

export interface InspectReply {
  pieces: PieceView[];
  /** Per position: the top next tokens, and how likely the real next token was. */
  next: { top: Prob[]; actual: Prob | null; entropy: number }[];
  /** att[layer][head]: T×T row-major. */
  att: number[][][];
  /** lens[layer][position]: the top token read from the residual stream after that layer. */
  lens: Prob[][];
  nLayer: number;
  nHead: number;
}

export interface TraceReply {
  text: string;
  pieces: PieceView[];
  steps: { chosen: Prob & { logprob: number }; keptCount: number; kept: Prob[]; top: Prob[] }[];
}

export interface ModelInfo { backend: string; params: number; vocabSize: number; config: Record<string, number | boolean> }

/** One prompt's samples and the learner's ranking of them: indices into responses, best first
 *  (the {"prompt","responses","ranking"} record of DESIGN.md's preference format). */
export interface Ranking { prompt: string; responses: string[]; ranking: number[] }

export interface RewardReply {
  /** rewards[g][i]: the reward model's score of records[g].responses[i], before and after training. */
  before: number[][];
  after: number[][];
  /** Pair accuracy on the comparisons of the rankings: how often the preferred sample scores higher. */
  accuracyBefore: number;
  accuracyAfter: number;
  pairs: number;
  ms: number;
}

/** An instruction-tuning example: what the user says and what the assistant should answer. */
export interface Pair { prompt: string; response: string }

/** A pair in the chat template, token by token; train[i] = 1 where the loss is taken. */
export interface SftPreview { pieces: PieceView[]; train: number[] }

export interface SftReply {
  /** The same prompts answered (greedily) before and after tuning. */
  before: string[];
  after: string[];
  steps: number; // steps done (fewer than planned after Stop)
  ms: number;
  skipped: number; // pairs whose response did not fit the block
}

export type PolicyMethod = 'ppo' | 'grpo' | 'dpo';

/** The knobs the policy card exposes (policy-options.ts turns them into each trainer's options). */
/** A policy run's knobs (policy-options.ts turns them into each trainer's options). klTarget:
 *  PPO/GRPO adapt β towards this KL per answer (null: β stays fixed); ptxCoef: γ of PPO-ptx, the
 *  cross-entropy on what the model learned before (the tuning pairs and the pre-training text)
 *  mixed into every update (0: off); variant: DPO's loss. */
export interface PolicySettings {
  steps: number; beta: number; lr: number; seed: number;
  klTarget: number | null; ptxCoef: number; variant: 'sigmoid' | 'ipo';
}

/** One of a prompt's answers, its reward model score, and the mean score of all the prompt's answers. */
export interface PolicySample { prompt: string; response: string; reward: number | null; mean: number | null }

export interface PolicyReply {
  /** Per prompt, before and after the run: the first of `samples` answers drawn with the same seed
   *  at temperature 1 (what the policy samples from), scored by the reward model, and the mean
   *  score of all of them (one answer is too few to tell). Scores are null without a reward model. */
  before: PolicySample[];
  after: PolicySample[];
  samples: number;
  meanBefore: number | null;
  meanAfter: number | null;
  steps: number;
  ms: number;
  /** β at the start and the end of the run (PPO/GRPO's KL controller moves it), and whether the
   *  ptx term ran: read back from the trainer, not echoed from the settings. */
  klCoef: [number, number] | null;
  ptx: boolean;
}

/** One batched forward over the whole text against one token at a time (KV cache). */
export interface AtOnceReply { tokens: number; batchedMs: number; loopMs: number; maxDiff: number; repeats: number }

/** The embeddings projected on their first two principal components. */
export interface EmbeddingMapReply {
  points: { id: number; text: string; x: number; y: number }[];
  explained: [number, number];
  fromText: boolean; // the training text's tokens only (false for a loaded model: every ordinary token)
}
