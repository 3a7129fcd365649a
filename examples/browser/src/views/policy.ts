// The policy card's samples: per prompt, an answer before and after the run (same seed), each
// with the reward model's score and the mean score of all the prompt's answers.

import type { PolicySample } from '../protocol.js';
import { el } from './dom.js';

const fmt = (v: number) => `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`;

export function renderPolicySamples(box: HTMLElement, before: readonly PolicySample[], after: readonly PolicySample[], samples: number): void {
  const cell = (s: PolicySample, cls: string) => {
    const td = el('td', { class: cls }, s.response || '∅');
    if (s.reward !== null) { td.dataset.reward = String(s.reward); td.append(el('span', { class: 'score', title: 'the reward model\'s score of this answer', text: fmt(s.reward) })); }
    if (s.mean !== null) td.append(el('span', { class: 'mean', text: `mean of ${samples} answers: ${fmt(s.mean)}` }));
    return td;
  };
  box.replaceChildren(el('table', { class: 'answers' },
    el('tr', {}, el('th', { text: 'prompt' }), el('th', { text: 'before' }), el('th', { text: 'after' })),
    ...before.map((b, i) => el('tr', {}, el('td', { text: b.prompt }), cell(b, 'before'), cell(after[i], 'after')))));
}
