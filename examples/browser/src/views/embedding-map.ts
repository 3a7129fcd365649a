// The embedding map: every ordinary token as a dot at its first two principal components (from the
// worker), the chosen token and its nearest neighbours by cosine labelled, the rest as faint dots
// whose text shows on hover. The axes are scaled separately to fill the square.

import type { EmbeddingMapReply, Prob } from '../protocol.js';
import { visible } from './dom.js';

const S = 420, PAD = 14;

export function renderEmbeddingMap(svg: SVGSVGElement, caption: HTMLElement, map: EmbeddingMapReply, chosen: number, neighbours: readonly Prob[]): void {
  svg.setAttribute('viewBox', `0 0 ${S} ${S}`);
  const xs = map.points.map((p) => p.x), ys = map.points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const X = (v: number) => PAD + ((v - x0) / (x1 - x0 || 1)) * (S - 2 * PAD);
  const Y = (v: number) => S - PAD - ((v - y0) / (y1 - y0 || 1)) * (S - 2 * PAD);
  const near = new Set(neighbours.map((n) => n.id));
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const dots: string[] = [], marks: string[] = [];
  for (const p of map.points) {
    const kind = p.id === chosen ? 'chosen' : near.has(p.id) ? 'near' : 'other';
    const dot = `<circle class="emb-${kind}" data-id="${p.id}" cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="${kind === 'other' ? 2.2 : 4}"><title>${esc(visible(p.text))}</title></circle>`;
    if (kind === 'other') dots.push(dot);
    else marks.push(dot, `<text class="emb-label${kind === 'chosen' ? ' chosen' : ''}" x="${(X(p.x) + 6).toFixed(1)}" y="${(Y(p.y) - 5).toFixed(1)}">${esc(visible(p.text))}</text>`);
  }
  svg.innerHTML = dots.join('') + marks.join(''); // the marked ones on top
  const pc = (f: number) => `${Math.round(f * 100)}%`;
  caption.textContent = `${map.points.length} tokens${map.fromText ? ' (those in the training text)' : ''}; across = first principal component (${pc(map.explained[0])} of the variance), ` +
    `up = second (${pc(map.explained[1])}). Hover a dot for its token.`;
}
