// The "whole text at once" result: two timing bars (one batched forward, T one-token forwards)
// and how far apart their logits are.

import type { AtOnceReply } from '../protocol.js';
import { el } from './dom.js';

export function renderAtOnce(box: HTMLElement, r: AtOnceReply): void {
  const slow = Math.max(r.batchedMs, r.loopMs);
  const bar = (label: string, ms: number, cls: string) => {
    const fill = el('span', { class: `bar-fill ${cls}` });
    fill.style.width = `${(100 * ms) / slow}%`;
    return el('div', { class: 'once-row' }, el('span', { text: label }), el('span', { class: 'bar-track' }, fill), el('span', { class: 'bar-value', text: `${ms.toFixed(1)} ms` }));
  };
  const same = r.maxDiff === 0 ? 'bit for bit the same' : `the same up to ${r.maxDiff.toExponential(1)} (float rounding: the sums run in another order)`;
  box.dataset.maxDiff = String(r.maxDiff);
  box.dataset.batchedMs = String(r.batchedMs);
  box.dataset.loopMs = String(r.loopMs);
  box.replaceChildren(
    bar(`all ${r.tokens} tokens in one forward`, r.batchedMs, ''),
    bar(`${r.tokens} forwards of one token each`, r.loopMs, 'slow'),
    el('p', { class: 'small', text: `Mean of ${r.repeats} runs. The batch is ${(r.loopMs / r.batchedMs).toFixed(1)}× faster, and its ${r.tokens} × vocabulary logits are ${same}.` }));
  box.hidden = false;
}
