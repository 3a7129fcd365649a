// glassgpt/node: the Node-only helpers (files and folders), kept out of the main entry so
// browser bundles never see node:fs.
export { loadGpt2Files, loadTokenizerFile, saveTokenizerFile, loadTokenizer } from './tokenizer/node.js';
export { writeFileAtomic, writeFileAtomicSync, FileWriteError } from './io/save-node.js';
export { readFileLimited, readTextFile, FileReadError, MAX_CHECKPOINT_BYTES, MAX_TEXT_BYTES } from './io/read-node.js';
export { saveTrainingCheckpoint, loadModelDir, loadTrainerState, recoverCheckpoint, MODEL_FILE, STATE_FILE } from './train/checkpoint-node.js';
export { lockRunDir, RunLockError } from './train/lock-node.js';
export { brownText, brownPrefix, brownFiles, brownFileText, untag } from './data/brown.js';
export { MissingPackageError } from './data/packages.js';
export { saveModelDir, loadChatModel, saveRewardModelDir, loadRewardModelDir, savePolicyDir, resumeFromDir, type Resumable } from './align/checkpoint-node.js';
export { FileTokens, writeTokenFile } from './train/data-node.js';
export { loadHfDir, saveHfDir, isHfDir, dirReader } from './hf/node.js';
