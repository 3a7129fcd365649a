// Hugging Face GPT-2 folders (browser-safe part; hf/node.ts reads and writes them on disk).
export { gptConfigFromHf, hfConfigFromGpt, HfConfigError, type HfGpt2Config } from './config.js';
export { fromTokenizerJson, fromVocabMerges, hfTokenizerFiles } from './tokenizer.js';
export { loadHfModel, readHfConfig, estimateModelBytes, HfFolderError, MAX_PARAM_BYTES, type ReadFile, type HfModel, type LoadHfOptions } from './load.js';
export { hfFolderFiles, CHAR_TOKENIZER_FILE, type HfExport } from './export.js';
export { readerFromFiles, readerFromUrl, MAX_BROWSER_FILE_BYTES } from './sources.js';
