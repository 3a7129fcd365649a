// The instruction-tuning card's views: each pair as an editable prompt/response row over its
// tokens in the chat template (prompt pieces greyed: masked from the loss), and the prompts'
// answers before and after tuning side by side.

import type { Pair, SftPreview } from '../protocol.js';
import { el, visible } from './dom.js';

export interface PairEvents { onEdit(i: number, p: Pair): void; onRemove(i: number): void }

/** One row per pair: its two inputs, a remove button and (filled by showTokens) its tokens. */
export function renderPairs(box: HTMLElement, pairs: readonly Pair[], ev: PairEvents): void {
  box.replaceChildren(...pairs.map((p, i) => {
    const prompt = el('input', { 'aria-label': `prompt ${i + 1}`, placeholder: 'a question', value: p.prompt, spellcheck: 'false' });
    const response = el('input', { 'aria-label': `response ${i + 1}`, placeholder: 'its answer', value: p.response, spellcheck: 'false' });
    const remove = el('button', { class: 'small-button', 'aria-label': `remove pair ${i + 1}`, title: 'remove this pair', text: '×' });
    for (const input of [prompt, response]) input.addEventListener('change', () => ev.onEdit(i, { prompt: prompt.value, response: response.value }));
    remove.addEventListener('click', () => ev.onRemove(i));
    return el('div', { class: 'sft-pair' }, el('div', { class: 'sft-inputs' }, prompt, response, remove), el('div', { class: 'pieces sft-pieces' }));
  }));
}

/** The inputs and remove buttons on or off (off while tuning: the pairs are being learned). */
export function lockPairs(box: HTMLElement, locked: boolean): void {
  const rows = box.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button');
  rows.forEach((c) => { c.disabled = locked || (c.tagName === 'BUTTON' && rows.length <= 3); }); // the last pair stays
}

/** Each pair's tokens: the masked prompt part greyed, the trained answer part coloured. */
export function showTokens(box: HTMLElement, previews: readonly SftPreview[]): void {
  box.querySelectorAll<HTMLElement>('.sft-pieces').forEach((tokens, i) => {
    const preview = previews[i];
    tokens.replaceChildren(...(preview?.pieces ?? []).map((p, j) => {
      const trained = preview.train[j] === 1;
      return el('span', {
        class: `piece ${trained ? 'trained' : 'masked'}${p.special ? ' special' : ''}`,
        title: trained ? `id ${p.id}: a target: the loss grades the model on predicting it` : `id ${p.id}: prompt, masked from the loss`, text: visible(p.text),
      });
    }));
  });
}

/** Prompt | before | after, one row per prompt. */
export function renderAnswers(box: HTMLElement, prompts: readonly string[], before: readonly string[], after: readonly string[]): void {
  const row = (cells: string[], head = false) => el('tr', {}, ...cells.map((c) => el(head ? 'th' : 'td', { text: c })));
  box.replaceChildren(el('table', { class: 'answers' }, row(['prompt', 'before tuning', 'after tuning'], true),
    ...prompts.map((p, i) => row([p, before[i] || '∅', after[i] || '∅']))));
}
