// The page: wires the controls to the worker (which owns the model) and the replies to the
// views. Nothing heavy runs here, so the page keeps responding while the worker trains.
// URL parameters preset the form (?steps=80&width=32&autotrain=1), which the browser test uses.

import type { InspectReply, ModelInfo, ModelSettings, Prob, Request, TraceReply, TrainProgress } from './protocol.js';
import { alignCard } from './align-card.js';
import { SAMPLES } from './sample-text.js';
import { LossChart } from './views/chart.js';
import { el } from './views/dom.js';
import { renderHeatmap, renderLens, renderNeighbours, renderNext, renderPieces } from './views/inspect.js';
import { renderGenerated, renderStep } from './views/trace.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

// ---- the worker, as request → promise ----
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let nextId = 1;
const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
worker.onmessage = (e: MessageEvent) => {
  const m = e.data;
  if ('event' in m) return m.event === 'reward' ? align.onStep(m.step, m.loss) : onProgress(m as TrainProgress);
  const p = pending.get(m.rid);
  pending.delete(m.rid);
  if (m.error !== undefined) p?.fail(new Error(m.error));
  else p?.ok(m.result);
};
function call<T>(req: Request, transfer: Transferable[] = []): Promise<T> {
  const id = nextId++;
  return new Promise<T>((ok, fail) => {
    pending.set(id, { ok: ok as (v: unknown) => void, fail });
    worker.postMessage({ req, rid: id }, transfer);
  });
}

// ---- state ----
const chart = new LossChart($<SVGSVGElement & HTMLElement>('chart') as unknown as SVGSVGElement);
let trained = false, training = false, lastLoss = NaN, tokPerSec = 0;
let inspected: InspectReply | null = null, selected = 0;
let trace: TraceReply | null = null;

let trainedText = '';
const align = alignCard(call, () => trainedText || textArea.value);

function setStatus(text: string): void { $('status').textContent = text; }
function setBusy(): void {
  $<HTMLButtonElement>('train').disabled = training;
  $<HTMLButtonElement>('stop').disabled = !training;
  for (const id of ['generate', 'inspect', 'save']) $<HTMLButtonElement>(id).disabled = training || !trained;
  align.enable(!training && trained);
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
sampleSel.value = params.get('sample') ?? '0';
sampleSel.onchange(new Event('change'));

function settings(): ModelSettings {
  const n = (id: string) => Number(input(id).value);
  const nEmbd = n('width');
  return { vocabSize: n('vocab'), nLayer: n('layers'), nHead: nEmbd >= 64 ? 4 : 2, nEmbd, blockSize: 64, steps: n('steps'), batchSize: 8, lr: 3e-3 };
}

// ---- 2. training ----
function onProgress(p: TrainProgress): void {
  if (p.event === 'tokenizer') {
    chart.reset(settings().steps, p.vocabSize);
    setStatus(`Tokenizer learned ${p.vocabSize} tokens in ${p.ms.toFixed(0)} ms; the text is ${p.tokens.toLocaleString()} tokens. Training…`);
  } else if (p.event === 'step') {
    chart.addStep(p.step, p.loss);
    lastLoss = p.loss; tokPerSec = p.tokensPerSec;
    setStatus(`Training: step ${p.step} of ${p.steps}, loss ${p.loss.toFixed(3)}, ${Math.round(p.tokensPerSec).toLocaleString()} tokens/s`);
  } else if (p.event === 'eval' && p.valLoss !== null) {
    chart.addVal(p.step, p.valLoss);
  } else if (p.event === 'hf') {
    const n = p.params >= 1e6 ? `${(p.params / 1e6).toFixed(1)} M` : p.params.toLocaleString();
    $('ckpt-status').textContent = `reading ${n} parameters (${p.nLayer} layers, ${p.nEmbd} wide, ` +
      `${p.vocabSize.toLocaleString()} tokens): about ${(p.bytes / 1e6).toFixed(1)} MB of memory…`;
  }
}

$('train').onclick = async () => {
  training = true; setBusy(); align.reset();
  try {
    const info = await call<ModelInfo & { lastLoss: number }>({ type: 'train', text: textArea.value, settings: settings() });
    trained = true; trainedText = textArea.value;
    setStatus(`Trained: ${info.params.toLocaleString()} parameters, final loss ${lastLoss.toFixed(3)} ` +
      `(${Math.round(tokPerSec).toLocaleString()} tokens/s on the ${info.backend} backend). Now generate, or look inside below.`);
    document.body.dataset.trained = 'true';
  } catch (e) {
    setStatus(`Training failed: ${(e as Error).message}`);
  } finally {
    training = false; setBusy();
  }
  if (trained) await inspect();
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
  const prompt = input('prompt').value;
  $<HTMLButtonElement>('generate').disabled = true;
  try {
    trace = await call<TraceReply>({
      type: 'generate', prompt, temperature: Number(input('temperature').value), topK: Number(input('topk').value),
      topP: Number(input('topp').value), maxTokens: 60, seed: (Math.random() * 2 ** 32) >>> 0,
    });
    renderGenerated($('generated'), prompt, trace, (i) => renderStep($('trace'), trace!, i));
    renderStep($('trace'), trace, 0);
    document.body.dataset.generated = 'true';
  } catch (e) {
    $('generated').textContent = `Generation failed: ${(e as Error).message}`;
  } finally {
    setBusy();
  }
};

// ---- 4–8. inspection ----
async function inspect(): Promise<void> {
  try {
    inspected = await call<InspectReply>({ type: 'inspect', text: input('inspect-text').value });
  } catch (e) {
    $('pieces').textContent = `Inspection failed: ${(e as Error).message}`;
    return;
  }
  const fill = (sel: HTMLSelectElement, n: number, name: string) => {
    const keep = sel.value;
    sel.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: String(i), text: `${name} ${i + 1}` })));
    sel.value = keep !== '' && Number(keep) < n ? keep : '0';
  };
  fill($<HTMLSelectElement>('layer'), inspected.nLayer, 'layer');
  fill($<HTMLSelectElement>('head'), inspected.nHead, 'head');
  await pick(Math.max(0, inspected.pieces.length - 2));
}

async function pick(i: number): Promise<void> {
  if (!inspected) return;
  selected = i;
  const r = inspected;
  renderPieces($('pieces'), r.pieces, i, (j) => void pick(j));
  renderNext($('bars'), $('next-caption'), r, i);
  drawHeatmap();
  renderLens($('lens'), r, i);
  const list = await call<Prob[]>({ type: 'neighbours', id: r.pieces[i].id });
  renderNeighbours($('neighbours'), r.pieces[i], list);
}

function drawHeatmap(): void {
  if (!inspected) return;
  renderHeatmap($('heatmap'), inspected, Number($<HTMLSelectElement>('layer').value), Number($<HTMLSelectElement>('head').value), selected, (j) => void pick(j));
}
$('layer').onchange = drawHeatmap;
$('head').onchange = drawHeatmap;
$('inspect').onclick = () => void inspect();

// ---- 9. checkpoints ----
$('save').onclick = async () => {
  const bytes = await call<Uint8Array>({ type: 'save' });
  const a = el('a', { href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>])), download: 'glassgpt-model.safetensors' });
  a.click();
  $('ckpt-status').textContent = `saved ${(bytes.length / 1024).toFixed(0)} KiB`;
};
input('load').onchange = async () => {
  const file = input('load').files?.[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await call<ModelInfo>({ type: 'load', bytes }, [bytes.buffer]);
    trained = true; setBusy(); align.reset();
    $('ckpt-status').textContent = `loaded ${file.name}: ${info.params.toLocaleString()} parameters, ${info.vocabSize} tokens`;
    await inspect();
  } catch (e) {
    $('ckpt-status').textContent = `could not load ${file.name}: ${(e as Error).message}`;
  }
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
  try {
    const info = await call<ModelInfo & { dtypes: string[] }>(req);
    trained = true; setBusy(); align.reset();
    $('ckpt-status').textContent = `opened a Hugging Face GPT-2 folder (${info.dtypes.join(', ')} weights): ` +
      `${info.params.toLocaleString()} parameters, ${info.vocabSize.toLocaleString()} tokens; decoding from bf16 copies`;
    document.body.dataset.hf = 'true';
    await inspect();
  } catch (e) {
    $('ckpt-status').textContent = `could not open the folder: ${(e as Error).message}`;
  }
}

// ---- start ----
call<{ backend: string; threads: number; notice: string | null }>({ type: 'init' }).then(({ backend, threads, notice }) => {
  $('backend').textContent = backend === 'wasm' ? `WebAssembly SIMD kernels · ${threads} thread${threads === 1 ? '' : 's'}`
    : 'JavaScript kernels (no wasm SIMD here)';
  // one thread where more were possible: say why, and which headers the server must send
  if (notice) { $('threads-notice').textContent = notice.replace(/^glassgpt: /, ''); $('threads-notice').hidden = false; }
  document.body.dataset.ready = 'true';
  if (params.get('autotrain') === '1') $('train').click();
}, (e) => { $('backend').textContent = `failed to start: ${(e as Error).message}`; });
