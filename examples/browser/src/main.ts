// The page: wires the controls to the worker (which owns the model) and the replies to the
// views. Nothing heavy runs here, so the page keeps responding while the worker trains; one heavy
// job runs at a time (jobs.ts), and every card re-enables its buttons when that changes.
// URL parameters preset the form (?steps=80&width=32&autotrain=1), which the browser test uses.

import type { ModelInfo, ModelSettings, Request, TraceReply, TrainProgress } from './protocol.js';
import { alignCard } from './align-card.js';
import { inspectCards } from './inspect-cards.js';
import { jobs } from './jobs.js';
import { policyCard } from './policy-card.js';
import { SAMPLES } from './sample-text.js';
import { sftCard } from './sft-card.js';
import { LossChart } from './views/chart.js';
import { el } from './views/dom.js';
import { overfitting } from './views/overfit.js';
import { renderGenerated, renderStep } from './views/trace.js';
import { connect } from './worker-client.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

const call = connect(onProgress);
const chart = new LossChart($<SVGSVGElement & HTMLElement>('chart') as unknown as SVGSVGElement);
let trained = false, lastLoss = NaN, tokPerSec = 0, trainedText = '';

const looks = inspectCards(call);
const sft = sftCard(call, () => trained, () => { align.reset(); void looks.inspect(); });
const align = alignCard(call, () => trainedText || textArea.value, () => sft.tunedPrompts(), () => policy.refresh());
const policy = policyCard(call, { rankings: () => align.rankings(), hasRewardModel: () => align.hasRewardModel() });

function setStatus(text: string): void { $('status').textContent = text; }
function refresh(): void {
  const free = jobs.free;
  $<HTMLButtonElement>('train').disabled = !free;
  $<HTMLButtonElement>('stop').disabled = jobs.current !== 'pretrain';
  for (const id of ['generate', 'save']) $<HTMLButtonElement>(id).disabled = !free || !trained;
  for (const id of ['load', 'load-hf', 'load-hf-url']) $<HTMLInputElement>(id).disabled = !free;
  looks.refresh(trained);
  sft.refresh();
  align.enable(free && trained);
  policy.refresh();
}
jobs.onChange(refresh);

/** A different model is on the page: what the later cards made from the old one is gone. */
function newModel(): void {
  trained = true;
  sft.reset(); align.reset(); policy.reset();
  refresh();
}

// ---- 1. text ----
const sampleSel = $<HTMLSelectElement>('sample');
SAMPLES.forEach((s, i) => sampleSel.append(el('option', { value: String(i), text: s.name })));
const textArea = $<HTMLTextAreaElement>('text');
const showChars = () => { $('chars').textContent = `${textArea.value.length.toLocaleString()} characters`; };
sampleSel.onchange = () => { textArea.value = SAMPLES[Number(sampleSel.value)].text; showChars(); };
textArea.oninput = showChars;

const params = new URLSearchParams(location.search);
for (const k of ['steps', 'layers', 'width', 'vocab']) if (params.has(k)) input(k).value = params.get(k)!;
if (params.has('text')) textArea.value = params.get('text')!;
else {
  sampleSel.value = params.get('sample') ?? '0';
  sampleSel.onchange(new Event('change'));
}
showChars();

function settings(): ModelSettings {
  const n = (id: string) => Number(input(id).value);
  const nEmbd = n('width');
  return { vocabSize: n('vocab'), nLayer: n('layers'), nHead: nEmbd >= 64 ? 4 : 2, nEmbd, blockSize: 64, steps: n('steps'), batchSize: 8, lr: 3e-3 };
}

// ---- 2. training ----
function onProgress(p: TrainProgress): void {
  if (p.event === 'tokenizer') {
    chart.reset(settings().steps, p.vocabSize);
    const asked = settings().vocabSize;
    // a small text runs out of pairs worth merging: say so, or ln V on the chart looks wrong
    $('vocab-used').textContent = p.vocabSize < asked ? `(${p.vocabSize} learned)` : '';
    const short = p.vocabSize < asked ? ` (of the ${asked} asked for: after that, no two pieces in this text occur together often enough to merge)` : '';
    setStatus(`Tokenizer learned ${p.vocabSize} tokens${short} in ${p.ms.toFixed(0)} ms; the text is ${p.tokens.toLocaleString()} tokens. Training…`);
  } else if (p.event === 'step') {
    chart.addStep(p.step, p.loss);
    lastLoss = p.loss; tokPerSec = p.tokensPerSec;
    setStatus(`Training: step ${p.step} of ${p.steps}, loss ${p.loss.toFixed(3)}, ${Math.round(p.tokensPerSec).toLocaleString()} tokens/s`);
  } else if (p.event === 'eval' && p.valLoss !== null) {
    chart.addVal(p.step, p.valLoss);
    showOverfitting();
  } else if (p.event === 'hf') {
    const n = p.params >= 1e6 ? `${(p.params / 1e6).toFixed(1)} M` : p.params.toLocaleString();
    $('ckpt-status').textContent = `reading ${n} parameters (${p.nLayer} layers, ${p.nEmbd} wide, ` +
      `${p.vocabSize.toLocaleString()} tokens): about ${(p.bytes / 1e6).toFixed(1)} MB of memory…`;
  } else if (p.event === 'reward') align.onStep(p.step, p.loss);
  else if (p.event === 'sft') sft.onStep(p.step, p.steps, p.loss);
  else if (p.event === 'policy') policy.onStep(p.step, p.steps, p.reward, p.kl);
}

function showOverfitting(): void {
  const o = overfitting(chart.train, chart.val);
  $('overfit').hidden = !o;
  if (o) {
    $('overfit').textContent = `Overfitting: the held-out loss has risen from ${o.best.toFixed(2)} (step ${o.bestStep}) to ${o.val.toFixed(2)} ` +
      `(step ${o.step}) while the training loss kept falling (${o.trainAtBest.toFixed(2)} → ${o.trainNow.toFixed(2)}). The model is learning ` +
      'this text by heart rather than what carries over to new text. More text, a smaller model or fewer steps help.';
  }
}

$('train').onclick = async () => {
  if (!jobs.begin('pretrain')) return;
  $('overfit').hidden = true;
  const planned = settings().steps;
  try {
    const info = await call<ModelInfo & { lastLoss: number; steps: number; ms: number }>({ type: 'train', text: textArea.value, settings: settings() });
    trainedText = textArea.value;
    newModel();
    const stopped = info.steps < planned;
    if (stopped) chart.finish(info.steps);
    setStatus(`${stopped ? `Stopped at step ${info.steps} of ${planned}` : `Trained: ${info.steps} steps`} in ${(info.ms / 1000).toFixed(1)} s, ` +
      `${info.params.toLocaleString()} parameters, final loss ${lastLoss.toFixed(3)} ` +
      `(${Math.round(tokPerSec).toLocaleString()} tokens/s on the ${info.backend} backend). Now generate, or look inside below.`);
    document.body.dataset.trained = 'true';
  } catch (e) {
    setStatus(`Training failed: ${(e as Error).message}`);
  } finally {
    jobs.end();
  }
  if (trained) await looks.inspect();
};
$('stop').onclick = () => void call({ type: 'stop' });
$('smooth').onclick = () => {
  chart.smooth = !chart.smooth;
  $('smooth').setAttribute('aria-pressed', String(chart.smooth));
  $('smooth').textContent = chart.smooth ? 'smoothing on' : 'smoothing off';
  chart.draw();
};

// ---- 3. generation ----
for (const id of ['temperature', 'topk', 'topp']) {
  const show = () => { $(`${id}-v`).textContent = id === 'topk' && input(id).value === '0' ? 'off' : input(id).value; };
  input(id).oninput = show;
  show();
}
$('generate').onclick = async () => {
  const prompt = input('prompt').value, chat = input('chat').checked;
  // BPE glues a space to the word after it (·cat): a prompt ending in a space leaves the model a
  // lone space it rarely saw in training, and its next word brings a second one ("The  cat")
  $('prompt-hint').hidden = chat || !/ $/.test(prompt);
  $('prompt-hint').textContent = 'Your prompt ends with a space. This tokenizer attaches a space to the word after it (·cat), ' +
    'so the model will likely add its own and the text reads "  " here: leave the space out.';
  if (!jobs.begin('generate')) return;
  try {
    const trace = await call<TraceReply>({
      type: 'generate', prompt, chat, temperature: Number(input('temperature').value), topK: Number(input('topk').value),
      topP: Number(input('topp').value), maxTokens: 60, seed: (Math.random() * 2 ** 32) >>> 0,
    });
    renderGenerated($('generated'), chat ? `${prompt} → ` : prompt, trace, (i) => renderStep($('trace'), trace, i));
    renderStep($('trace'), trace, 0);
    document.body.dataset.generated = 'true';
  } catch (e) {
    $('generated').textContent = `Generation failed: ${(e as Error).message}`;
  } finally {
    jobs.end();
  }
};

// ---- 10. checkpoints ----
$('save').onclick = async () => {
  const bytes = await call<Uint8Array>({ type: 'save' });
  const a = el('a', { href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>])), download: 'glassgpt-model.safetensors' });
  a.click();
  $('ckpt-status').textContent = `saved ${(bytes.length / 1024).toFixed(0)} KiB`;
};
input('load').onchange = async () => {
  const file = input('load').files?.[0];
  if (!file || !jobs.begin('load')) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await call<ModelInfo>({ type: 'load', bytes }, [bytes.buffer]);
    newModel();
    $('ckpt-status').textContent = `loaded ${file.name}: ${info.params.toLocaleString()} parameters, ${info.vocabSize} tokens`;
  } catch (e) {
    $('ckpt-status').textContent = `could not load ${file.name}: ${(e as Error).message}`;
  } finally {
    jobs.end();
  }
  if (trained) await looks.inspect();
};

input('load-hf').onchange = () => {
  const files = [...(input('load-hf').files ?? [])];
  if (files.length) void openHf({ type: 'loadHf', files });
};
$('load-hf-url').onclick = () => {
  const url = input('hf-url').value.trim();
  if (url) void openHf({ type: 'loadHf', url: new URL(url, location.href).href });
};
async function openHf(req: Extract<Request, { type: 'loadHf' }>): Promise<void> {
  if (!jobs.begin('load')) return;
  try {
    const info = await call<ModelInfo & { dtypes: string[] }>(req);
    newModel();
    $('ckpt-status').textContent = `opened a Hugging Face GPT-2 folder (${info.dtypes.join(', ')} weights): ` +
      `${info.params.toLocaleString()} parameters, ${info.vocabSize.toLocaleString()} tokens; decoding from bf16 copies`;
    document.body.dataset.hf = 'true';
  } catch (e) {
    $('ckpt-status').textContent = `could not open the folder: ${(e as Error).message}`;
  } finally {
    jobs.end();
  }
  if (trained) await looks.inspect();
}

// ---- start ----
refresh();
call<{ backend: string; threads: number; notice: string | null }>({ type: 'init' }).then(({ backend, threads, notice }) => {
  $('backend').textContent = backend === 'wasm' ? `WebAssembly SIMD kernels · ${threads} thread${threads === 1 ? '' : 's'}`
    : 'JavaScript kernels (no wasm SIMD here)';
  // one thread where more were possible: say why, and which headers the server must send
  if (notice) { $('threads-notice').textContent = notice.replace(/^glassgpt: /, ''); $('threads-notice').hidden = false; }
  document.body.dataset.ready = 'true';
  if (params.get('autotrain') === '1') $('train').click();
}, (e) => { $('backend').textContent = `failed to start: ${(e as Error).message}`; });
