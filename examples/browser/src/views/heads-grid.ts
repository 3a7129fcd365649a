// Every attention head at once: a small map per (layer, head), rows = layers, so a learner can
// spot the heads that look back one token, the ones that stare at the first token, and so on.
// Each map is a canvas of T×T pixels scaled up; a click enlarges it in the big heatmap.

import type { InspectReply } from '../protocol.js';
import { el } from './dom.js';

const SIZE = 76; // css pixels per small map

export function renderHeadsGrid(box: HTMLElement, r: InspectReply, layer: number, head: number, onPick: (layer: number, head: number) => void): void {
  const T = r.pieces.length;
  box.style.gridTemplateColumns = `3.2em repeat(${r.nHead}, ${SIZE}px)`;
  const cells: HTMLElement[] = [el('span'), ...Array.from({ length: r.nHead }, (_, h) => el('span', { class: 'heads-label', text: `head ${h + 1}` }))];
  for (let l = 0; l < r.nLayer; l++) {
    cells.push(el('span', { class: 'heads-label', text: `layer ${l + 1}` }));
    for (let h = 0; h < r.nHead; h++) {
      const canvas = el('canvas', { width: String(T), height: String(T) });
      paint(canvas, r.att[l][h], T);
      const on = l === layer && h === head;
      const b = el('button', { class: 'head-tile', 'aria-pressed': String(on), 'aria-label': `layer ${l + 1}, head ${h + 1}`, title: `layer ${l + 1}, head ${h + 1}: click to enlarge` }, canvas);
      b.addEventListener('click', () => onPick(l, h));
      cells.push(b);
    }
  }
  box.replaceChildren(...cells);
}

/** One T×T map, the same colours as the big heatmap (√ weight), the future hatched light grey. */
function paint(canvas: HTMLCanvasElement, w: readonly number[], T: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(T, T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) {
    const o = (i * T + j) * 4;
    if (j > i) { img.data.set([236, 233, 225, 255], o); continue; }
    const a = Math.sqrt(w[i * T + j]); // blend rgb(37, 99, 160) over the paper colour
    img.data.set([244 + (37 - 244) * a, 242 + (99 - 242) * a, 236 + (160 - 236) * a, 255], o);
  }
  ctx.putImageData(img, 0, 0);
}
