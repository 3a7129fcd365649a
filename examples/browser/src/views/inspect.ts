// The inspection views: coloured token pieces, next-token probability bars, the attention
// heatmap, the logit lens grid and embedding neighbours. Each takes plain data from the worker
// (protocol.ts) and draws it; clicking a piece chooses the position the other views talk about.

import type { InspectReply, PieceView, Prob } from '../protocol.js';
import { el, pct, pieceColour, visible } from './dom.js';

/** Token pieces as coloured chips; `selected` gets a ring; a click calls onPick(position). */
export function renderPieces(box: HTMLElement, pieces: PieceView[], selected: number, onPick?: (i: number) => void): void {
  box.replaceChildren(...pieces.map((p, i) => {
    const chip = el('span', { class: `piece${i === selected ? ' selected' : ''}${p.special ? ' special' : ''}`, title: `token ${i}: id ${p.id}`, text: visible(p.text) });
    chip.style.background = pieceColour(i);
    if (onPick) chip.addEventListener('click', () => onPick(i));
    return chip;
  }));
}

/** Horizontal probability bars; `mark` highlights one id (the real next token, or the sample). */
export function renderBars(box: HTMLElement, probs: Prob[], mark?: number, label = 'probability'): void {
  box.replaceChildren(...probs.map((p) => el('div', { class: `bar-row${p.id === mark ? ' mark' : ''}` },
    el('span', { class: 'bar-label', text: visible(p.text), title: `id ${p.id}` }),
    el('span', { class: 'bar-track', title: `${label} ${p.prob.toFixed(4)}` }, barFill(p.prob)),
    el('span', { class: 'bar-value', text: label === 'similarity' ? p.prob.toFixed(2) : pct(p.prob) }))));
}

function barFill(v: number): HTMLElement {
  const f = el('span', { class: 'bar-fill' });
  f.style.width = `${Math.max(0, Math.min(1, v)) * 100}%`;
  return f;
}

/** What the model expected after position i, and how likely the token that came next was. */
export function renderNext(box: HTMLElement, caption: HTMLElement, r: InspectReply, i: number): void {
  const d = r.next[i];
  renderBars(box, d.top, d.actual?.id);
  const after = `after “${visible(r.pieces.slice(Math.max(0, i - 3), i + 1).map((p) => p.text).join(''))}”`;
  caption.textContent = d.actual
    ? `${after}, the text really continues with “${visible(d.actual.text)}”, to which the model gave ${pct(d.actual.prob)}. ` +
      `Entropy ${d.entropy.toFixed(2)} nats: lower means surer.`
    : `${after}: the last position, so this is the model's guess for the next, unseen token. Entropy ${d.entropy.toFixed(2)} nats.`;
}

/** The attention map of one layer and head: row = the token that looks, column = what it sees. */
export function renderHeatmap(box: HTMLElement, r: InspectReply, layer: number, head: number, selected: number, onPick: (i: number) => void): void {
  const T = r.pieces.length, w = r.att[layer][head];
  const cell = Math.max(8, Math.min(24, Math.floor(440 / T)));
  const grid = el('div', { class: 'heat' });
  grid.style.gridTemplateColumns = `5.5em repeat(${T}, ${cell}px)`;
  grid.style.gridAutoRows = `${cell}px`;
  for (let i = 0; i < T; i++) {
    const lab = el('span', { class: `heat-label${i === selected ? ' selected' : ''}`, text: visible(r.pieces[i].text) });
    lab.addEventListener('click', () => onPick(i));
    grid.append(lab);
    for (let j = 0; j < T; j++) {
      const v = j <= i ? w[i * T + j] : 0;
      const c = el('span', { class: `heat-cell${j > i ? ' future' : ''}`, title: j > i ? 'the future: masked' : `“${visible(r.pieces[i].text)}” → “${visible(r.pieces[j].text)}”: ${pct(v)}` });
      if (j <= i) c.style.background = `rgba(37, 99, 160, ${Math.sqrt(v).toFixed(3)})`; // √ so small weights stay visible
      if (i === selected) c.classList.add('row-selected');
      grid.append(c);
    }
  }
  box.replaceChildren(grid);
}

/** The logit lens: each row a layer, each column a position, the cell the top guess read there. */
export function renderLens(box: HTMLElement, r: InspectReply, selected: number): void {
  const T = r.pieces.length, from = Math.max(0, Math.min(selected - 5, T - 8)), to = Math.min(T, from + 8);
  const table = el('table', { class: 'lens' });
  const head = el('tr', {}, el('th', { text: 'reading after' }));
  for (let t = from; t < to; t++) head.append(el('th', { class: t === selected ? 'selected' : '', text: visible(r.pieces[t].text) }));
  table.append(head);
  for (let l = r.lens.length - 1; l >= 0; l--) {
    const row = el('tr', {}, el('th', { text: l === 0 ? 'embeddings' : l === r.lens.length - 1 ? `block ${l} (output)` : `block ${l}` }));
    for (let t = from; t < to; t++) {
      const p = r.lens[l][t];
      const td = el('td', { title: `${pct(p.prob)}`, text: visible(p.text) });
      td.style.background = `rgba(46, 139, 87, ${(0.12 + 0.6 * p.prob).toFixed(3)})`;
      if (t + 1 < T && p.id === r.pieces[t + 1].id) td.classList.add('hit'); // guessed the real next token
      row.append(td);
    }
    table.append(row);
  }
  box.replaceChildren(table);
}

export function renderNeighbours(box: HTMLElement, of: PieceView, list: Prob[]): void {
  box.replaceChildren(el('p', { class: 'small', text: `closest to “${visible(of.text)}” (id ${of.id}) by cosine similarity:` }));
  const bars = el('div');
  renderBars(bars, list, undefined, 'similarity');
  box.append(bars);
}
