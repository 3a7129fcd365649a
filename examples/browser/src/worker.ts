// The page's worker: it owns the backend, the tokenizer and the model, so training and
// generation never block the page. Everything here is the public glassgpt API, imported the way
// an application would import it.
import {
  createBackend, GPT, Trainer, MemoryTokens, packTokens, splitTokens, trainBpe, tokenizerFromJSON, saveCheckpoint,
  loadCheckpoint, loadHfModel, chatIds, encodePrompt, readHfConfig, readerFromFiles, readerFromUrl, tokenPieces, nearestTokens, attentionMaps, nextTokens, logitLens, traceGeneration,
  type Backend, type Conversation, type RewardModel, type Tokenizer,
} from 'glassgpt';
import type { InspectReply, ModelInfo, Prob, Request, TraceReply, TrainProgress } from './protocol.js';
import { trainReward, writeSamples } from './align-work.js';
import { atOnce } from './at-once-work.js';
import { embeddingMap } from './embedding-work.js';
import { runPolicy } from './policy-work.js';
import { runSft, sftPreview } from './sft-work.js';

let be: Backend;
let tok: Tokenizer | null = null;
let model: GPT | null = null;
let seen: Set<number> | null = null; // the token ids of the training text (the embedding map's tokens)
let rm: RewardModel | null = null; // the last reward model, for PPO / GRPO and for scoring samples
/** What the model learned before a policy run, which PPO-ptx keeps it practising: the tuning
 *  pairs and the pre-training text's sentences. */
let learned: { pairs: Conversation[]; text: string[] } = { pairs: [], text: [] };
/** The trainer that is running (pre-training, SFT or a policy run): what Stop stops. */
let running: { stop(): void } | null = null;
const track = (t: { stop(): void } | null) => { running = t; };

const post = (m: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const progress = (p: TrainProgress) => post(p);
const text = (id: number) => tok!.decode([id]);
const prob = (p: { id: number; prob: number }): Prob => ({ id: p.id, text: text(p.id), prob: p.prob });

function info(): ModelInfo {
  return { backend: be.name, params: model!.numParams(), vocabSize: tok!.vocabSize, config: { ...model!.config } };
}

function need(): { model: GPT; tok: Tokenizer } {
  if (!model || !tok) throw new Error('train or load a model first');
  return { model, tok };
}

const handlers: { [K in Request['type']]: (r: Extract<Request, { type: K }>) => unknown } = {
  async init() {
    // threads: the cores (at most 4) when the page is cross-origin isolated, else one and a notice
    let notice: string | null = null;
    be = await createBackend('auto', { onFallback: (e) => console.warn('using the js backend:', e.message), onThreadsNotice: (n) => { notice = n; } });
    return { backend: be.name, threads: be.threads, notice };
  },

  async train({ text: corpus, settings: s }) {
    forgetModel();
    const t0 = performance.now();
    tok = trainBpe(corpus, { vocabSize: s.vocabSize });
    learned.text = corpus.split(/(?<=[.!?])\s+/).map((x) => x.trim()).filter((x) => x !== '');
    const ids = tok.encode(corpus);
    seen = new Set(ids);
    progress({ event: 'tokenizer', vocabSize: tok.vocabSize, tokens: ids.length, ms: performance.now() - t0 });
    const { train, val } = splitTokens(packTokens(ids, tok.vocabSize), 0.1);
    model = new GPT(be, { vocabSize: tok.vocabSize, blockSize: s.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: 0, bias: true }, { seed: 1337 });
    const blockSize = Math.min(s.blockSize, val.length - 1, train.length - 1);
    const trainer = new Trainer(model, {
      train, val: val.length > blockSize ? val : undefined, steps: s.steps, batchSize: s.batchSize, blockSize, lr: s.lr,
      warmupIters: Math.min(20, s.steps >> 3), evalInterval: Math.max(10, Math.round(s.steps / 10)), evalIters: 4, seed: 7,
    });
    let last = 0, ms = 0;
    const t1 = performance.now();
    track(trainer);
    try {
      for await (const ev of trainer.run()) {
        if (ev.type === 'step') { last = ev.loss; progress({ event: 'step', step: ev.step, steps: s.steps, loss: ev.loss, tokensPerSec: ev.tokensPerSec }); }
        if (ev.type === 'eval') progress({ event: 'eval', step: ev.step, trainLoss: ev.trainLoss, valLoss: ev.valLoss });
      }
      ms = performance.now() - t1;
    } finally {
      track(null);
      trainer.free();
    }
    return { ...info(), lastLoss: last, steps: trainer.step, ms };
  },

  stop() {
    running?.stop();
    return {};
  },

  inspect({ text: t }): InspectReply {
    const { model: m, tok: k } = need();
    const pieces = tokenPieces(k, t).slice(-m.config.blockSize); // the model sees the newest blockSize tokens
    const ids = pieces.map((p) => p.id);
    const maps = attentionMaps(m, ids);
    return {
      pieces: pieces.map((p) => ({ id: p.id, text: p.text, special: p.special })),
      next: nextTokens(m, ids, 8).map((d) => ({ top: d.top.map(prob), actual: d.actual && prob(d.actual), entropy: d.entropy })),
      att: maps.weights.map((heads) => heads.map((w) => Array.from(w))),
      lens: logitLens(m, ids, 1).map((l) => l.positions.map((p) => prob(p.top[0]))),
      nLayer: maps.nLayer, nHead: maps.nHead,
    };
  },

  neighbours({ id }) {
    const { model: m, tok: k } = need();
    const specials = [...k.specialTokens.values()];
    return nearestTokens(m, id, 8, specials).map((n) => ({ id: n.id, text: text(n.id), prob: n.similarity }));
  },

  async generate({ prompt, chat, temperature, topK, topP, maxTokens, seed }): Promise<TraceReply> {
    const { model: m, tok: k } = need();
    const c = chat ? chatIds(k) : null; // a chat answer ends at <|end|> and may not open a new turn
    const { result, steps } = await traceGeneration(m, k, c ? encodePrompt(k, prompt) : prompt, {
      temperature, topK, topP, maxTokens, seed, traceTop: 8, endTokens: c ? [c.end] : null, bannedTokens: c ? [c.user, c.assistant] : undefined,
    });
    return {
      text: result.text,
      pieces: result.tokens.map((id) => ({ id, text: text(id), special: false })),
      steps: steps.map((s) => ({ chosen: s.chosen, keptCount: s.keptCount, kept: s.kept, top: s.top })),
    };
  },

  save() {
    const { model: m, tok: k } = need();
    return saveCheckpoint(m, { tokenizer: JSON.stringify(k.toJSON()), metadata: { source: 'glassgpt examples/browser' } });
  },

  load({ bytes }) {
    const loaded = loadCheckpoint(be, bytes);
    if (!loaded.tokenizer) { loaded.model.free(); throw new Error('this checkpoint has no tokenizer in its metadata'); }
    forgetModel();
    model = loaded.model;
    tok = tokenizerFromJSON(loaded.tokenizer);
    return info();
  },

  async loadHf({ files, url }) {
    // the size first (from config.json alone), then the weights; decoding reads bf16 copies
    const read = files ? readerFromFiles(files) : readerFromUrl(url ?? '');
    const { config, bytes } = await readHfConfig(read);
    // parameters and gradients at 8 bytes per weight (readHfConfig), bf16 copies at ~2 more
    progress({ event: 'hf', params: bytes / 8, bytes: bytes * 1.25, nLayer: config.nLayer, nEmbd: config.nEmbd, vocabSize: config.vocabSize });
    const loaded = await loadHfModel(be, read, { weights: 'bf16' });
    if (!loaded.tokenizer) { loaded.model.free(); throw new Error('the folder has no tokenizer.json or vocab.json + merges.txt'); }
    forgetModel();
    model = loaded.model;
    tok = loaded.tokenizer;
    return { ...info(), dtypes: loaded.dtypes };
  },

  alignSamples({ prompts, k, maxTokens, seed, chat }) {
    const { model: m, tok: t } = need();
    return writeSamples(m, t, prompts, k, maxTokens, seed, chat);
  },

  alignTrain({ records, steps }) {
    const { model: m, tok: t } = need();
    const { reply, rm: trained } = trainReward(m, t, records, steps, (s) => progress({ event: 'reward', step: s.step, steps, loss: s.loss, accuracy: s.accuracy }));
    rm?.free();
    rm = trained;
    return reply;
  },

  sftPreview({ pairs }) {
    return sftPreview(need().tok, pairs);
  },

  sftTrain({ pairs, steps, lr }) {
    const { model: m, tok: t } = need();
    learned.pairs = pairs.map((p) => [{ role: 'user', content: p.prompt }, { role: 'assistant', content: p.response }]);
    return runSft(m, t, pairs, steps, lr, (step, loss) => progress({ event: 'sft', step, steps, loss }), track);
  },

  policyTrain({ method, records, settings }) {
    const { model: m, tok: t } = need();
    return runPolicy(m, t, rm, method, records, settings, [...learned.pairs, ...learned.text],
      (p) => progress({ event: 'policy', steps: settings.steps, ...p }), track);
  },

  atOnce({ text: t }) {
    const { model: m, tok: k } = need();
    return atOnce(m, k.encode(t).slice(-m.config.blockSize));
  },

  embeddingMap() {
    const { model: m, tok: k } = need();
    return embeddingMap(m, k, seen);
  },
};

/** A new model replaces the old one: the old one, and the reward model made from it, go. */
function forgetModel(): void {
  running?.stop();
  seen = null;
  model?.free();
  model = null;
  rm?.free();
  rm = null;
  learned = { pairs: [], text: [] };
}

/** Requests that replace or change the model while a trainer runs would pull it from under the
 *  trainer (the page disables their buttons; this is the worker's own guard). */
const CHANGES_MODEL = new Set<Request['type']>(['train', 'load', 'loadHf', 'alignTrain', 'sftTrain', 'policyTrain']);

self.onmessage = async (e: MessageEvent<{ req: Request; rid: number }>) => {
  const { req, rid } = e.data;
  try {
    if (running && CHANGES_MODEL.has(req.type)) throw new Error(`busy training: stop it before starting ${req.type}`);
    const result = await (handlers[req.type] as (r: Request) => unknown)(req);
    post({ rid, result }, result instanceof Uint8Array ? [result.buffer] : []);
  } catch (err) {
    post({ rid, error: (err as Error).message ?? String(err) });
  }
};
