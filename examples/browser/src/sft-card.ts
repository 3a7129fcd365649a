// Card 11, instruction tuning: editable prompt/response pairs shown in the chat template with the
// prompt tokens masked from the loss, SFT of the page's model in the worker with a live loss
// curve, and the same prompts answered before and after.

import { jobs } from './jobs.js';
import type { Pair, SftPreview, SftReply } from './protocol.js';
import { SFT_PAIRS } from './sft-pairs.js';
import { drawCurve } from './views/curve.js';
import { lockPairs, renderAnswers, renderPairs, showTokens } from './views/sft.js';
import type { Call } from './worker-client.js';

const LR = 2e-3; // high for fine-tuning, as the model and the data are tiny
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export interface SftCard {
  refresh(): void; // jobs or the model changed: re-enable controls
  reset(): void; // a new model: tokens to recompute, answers gone
  onStep(step: number, steps: number, loss: number): void;
  /** The prompts of the pairs the model was tuned on, or null before tuning. */
  tunedPrompts(): string[] | null;
}

export function sftCard(call: Call, hasModel: () => boolean, onTuned: () => void): SftCard {
  const pairs: Pair[] = SFT_PAIRS.map((p) => ({ ...p }));
  let losses: number[] = [], tuned: string[] | null = null;
  const status = (t: string) => { $('sft-status').textContent = t; };
  const running = () => jobs.current === 'sft';

  const rows = () => { // after a pair is added or removed
    renderPairs($('sft-pairs'), pairs, {
      onEdit: (i, p) => { pairs[i] = p; controls(); void preview(); },
      onRemove: (i) => { pairs.splice(i, 1); rows(); },
    });
    lockPairs($('sft-pairs'), running());
    controls();
    void preview();
  };
  async function preview(): Promise<void> {
    if (!hasModel()) return showTokens($('sft-pairs'), []);
    try { showTokens($('sft-pairs'), await call<SftPreview[]>({ type: 'sftPreview', pairs })); } catch (e) { status(`Could not tokenize the pairs: ${(e as Error).message}`); }
  }
  const controls = () => {
    const idle = jobs.free && hasModel();
    $<HTMLButtonElement>('sft-add').disabled = !idle;
    $<HTMLButtonElement>('sft-train').disabled = !idle || pairs.every((p) => !p.prompt.trim() || !p.response.trim());
    $<HTMLButtonElement>('sft-stop').disabled = !running();
  };

  $('sft-add').onclick = () => {
    pairs.push({ prompt: '', response: '' });
    rows();
    $('sft-pairs').querySelector<HTMLInputElement>('.sft-pair:last-child input')?.focus();
  };
  $('sft-stop').onclick = () => void call({ type: 'stop' });
  $('sft-train').onclick = async () => {
    const use = pairs.filter((p) => p.prompt.trim() && p.response.trim());
    const steps = Math.max(1, Math.round(Number($<HTMLInputElement>('sft-steps').value) || 60));
    if (!jobs.begin('sft')) return;
    losses = []; tuned = null;
    delete document.body.dataset.tuned;
    $('sft-result').hidden = false;
    $('sft-answers').replaceChildren();
    drawCurve($<HTMLElement>('sft-chart') as unknown as SVGSVGElement, [], steps, { title: 'loss on the answers\' tokens', include: [0] });
    status('Answering the prompts before tuning…');
    try {
      const r = await call<SftReply>({ type: 'sftTrain', pairs: use, steps, lr: LR });
      renderAnswers($('sft-answers'), use.map((p) => p.prompt), r.before, r.after);
      tuned = use.map((p) => p.prompt);
      const first = losses.find(Number.isFinite), last = losses[r.steps - 1];
      status(`${r.steps < steps ? `Stopped at step ${r.steps} of ${steps}` : `Tuned: ${r.steps} steps`} in ${(r.ms / 1000).toFixed(1)} s on ${use.length} pairs` +
        `${r.skipped ? ` (${r.skipped} too long for the block, left out)` : ''}; loss ${first?.toFixed(2)} → ${last?.toFixed(2)}. ` +
        'Card 3 can now ask it questions (tick “ask the assistant”), and card 12 ranks its answers.');
      document.body.dataset.tuned = 'true';
      onTuned();
    } catch (e) {
      status(`Instruction tuning failed: ${(e as Error).message}`);
    } finally {
      jobs.end();
    }
  };

  return {
    refresh() { controls(); lockPairs($('sft-pairs'), running()); },
    reset() {
      tuned = null; losses = [];
      delete document.body.dataset.tuned;
      $('sft-result').hidden = true;
      status(hasModel() ? 'The pairs below, as the model reads them. Edit them or add your own, then press Tune.' : 'Train a model first (card 1).');
      rows();
    },
    onStep(step, steps, loss) {
      losses[step - 1] = loss;
      drawCurve($<HTMLElement>('sft-chart') as unknown as SVGSVGElement, losses, steps, { title: 'loss on the answers\' tokens', include: [0] });
      status(`Tuning: step ${step} of ${steps}, loss ${loss.toFixed(3)}`);
    },
    tunedPrompts: () => tuned,
  };
}
