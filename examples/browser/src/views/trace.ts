// The generation trace: one row per generated token. Left, the model's own top guesses; right,
// what the sampler kept after temperature, top-k and top-p, with the token it drew marked.

import type { TraceReply } from '../protocol.js';
import { el, pct, pieceColour, visible } from './dom.js';
import { renderBars } from './inspect.js';

export function renderGenerated(box: HTMLElement, prompt: string, r: TraceReply, onPick: (step: number) => void): void {
  box.replaceChildren(el('span', { class: 'prompt', text: prompt }), ...r.pieces.map((p, i) => {
    const chip = el('span', { class: 'piece', title: `step ${i}: id ${p.id}, drawn with probability ${pct(r.steps[i].chosen.prob)}`, text: p.text.replace(/\n/g, '⏎\n') });
    chip.style.background = pieceColour(i);
    chip.addEventListener('click', () => onPick(i));
    return chip;
  }));
}

export function renderStep(box: HTMLElement, r: TraceReply, i: number): void {
  const s = r.steps[i];
  const model = el('div');
  renderBars(model, s.top, s.chosen.id);
  const kept = el('div');
  renderBars(kept, s.kept, s.chosen.id);
  box.replaceChildren(
    el('p', { class: 'small', text: `Step ${i + 1} of ${r.steps.length}: drew “${visible(s.chosen.text)}”. ` +
      `${s.keptCount} token${s.keptCount === 1 ? '' : 's'} survived the sampler's filters; the draw gave it ${pct(s.chosen.prob)}, the raw model ${pct(Math.exp(s.chosen.logprob))}.` }),
    el('div', { class: 'two' },
      el('div', {}, el('h4', { text: 'the model proposes' }), model),
      el('div', {}, el('h4', { text: 'after temperature, top-k, top-p' }), kept)));
}
