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
  | { type: 'generate'; prompt: string; temperature: number; topK: number; topP: number; maxTokens: number; seed: number }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array }
  | { type: 'loadHf'; files?: File[]; url?: string }
  | { type: 'alignSamples'; prompts: string[]; k: number; maxTokens: number; seed: number }
  | { type: 'alignTrain'; records: Ranking[]; steps: number };

export type TrainProgress =
  | { event: 'tokenizer'; vocabSize: number; tokens: number; ms: number }
  | { event: 'step'; step: number; steps: number; loss: number; tokensPerSec: number }
  | { event: 'eval'; step: number; trainLoss: number; valLoss: number | null }
  | { event: 'reward'; step: number; steps: number; loss: number; accuracy: number }
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
