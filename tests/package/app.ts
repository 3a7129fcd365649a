// The little program every consumer runs (Node ESM, Node CJS, each bundle, a Web Worker): a GPT
// with a fixed seed writes a few characters on the wasm backend. Same seed, same build: the same
// text everywhere, so every consumer is compared with Node's answer, not only "it ran".

const BODY = `
  const backend = await createBackend('wasm');
  const tok = CharTokenizer.fromText('the quick brown fox jumps over the lazy dog');
  const model = new GPT(backend, { vocabSize: tok.vocabSize, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32 }, { seed: 7 });
  const { text } = await generate(model, tok, 'the ', { maxTokens: 24, temperature: 1, seed: 3 });
  return { backend: backend.name, text };`;
const NAMES = '{ createBackend, GPT, CharTokenizer, generate }';

/** The program as an ES module exporting run(), and as CommonJS. */
export const APP_ESM = `import ${NAMES} from 'glassgpt';\nexport async function run() {${BODY}\n}\n`;
export const APP_CJS = `const ${NAMES} = require('glassgpt');\nexports.run = async function run() {${BODY}\n};\n`;

/** A page whose script puts run()'s result (or the error) on <body data-result|data-error>. */
const REPORT = `(r) => { document.body.dataset.result = JSON.stringify(r); }, (e) => { document.body.dataset.error = String(e && e.message || e); }`;
export const PAGE_MAIN = `import { run } from './app.js';\nrun().then(${REPORT});\n`;
/** The same program in a module Web Worker started by the page. */
export const PAGE_WORKER_MAIN = `const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
w.onmessage = (e) => { if (e.data.error) document.body.dataset.error = e.data.error; else document.body.dataset.result = JSON.stringify(e.data); };
w.onerror = (e) => { document.body.dataset.error = 'worker: ' + (e.message || 'failed to start'); };\n`;
export const WORKER = `import { run } from './app.js';
run().then((r) => postMessage({ ...r, inWorker: typeof document === 'undefined' }), (e) => postMessage({ error: String(e && e.message || e) }));\n`;

export const html = (script: string, module = true) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>consumer</title></head><body><script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>\n`;

/** The web app sources as a user would write them (index.html → main.js, worker.html → worker). */
export const WEB_FILES: Record<string, string> = {
  'app.js': APP_ESM, 'main.js': PAGE_MAIN, 'worker-main.js': PAGE_WORKER_MAIN, 'worker.js': WORKER,
  'index.html': html('./main.js'), 'worker.html': html('./worker-main.js'),
};
