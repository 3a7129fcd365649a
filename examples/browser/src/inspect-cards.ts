// Cards 4–9, looking inside: the text's token pieces (a click picks the position the other views
// talk about), the next-token bars, every attention head and one enlarged, the logit lens, the
// embedding neighbours beside the embedding map, and the whole text processed at once.

import { jobs } from './jobs.js';
import type { AtOnceReply, EmbeddingMapReply, InspectReply, Prob } from './protocol.js';
import { renderAtOnce } from './views/at-once.js';
import { el } from './views/dom.js';
import { renderEmbeddingMap } from './views/embedding-map.js';
import { renderHeadsGrid } from './views/heads-grid.js';
import { renderHeatmap, renderLens, renderNeighbours, renderNext, renderPieces } from './views/inspect.js';
import type { Call } from './worker-client.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const select = (id: string) => $<HTMLSelectElement>(id);

export interface InspectCards {
  /** Re-reads the model (after training, tuning, loading): every view is redrawn. */
  inspect(): Promise<void>;
  refresh(hasModel: boolean): void;
}

export function inspectCards(call: Call): InspectCards {
  let inspected: InspectReply | null = null, selected = 0, map: EmbeddingMapReply | null = null;

  async function inspect(): Promise<void> {
    try {
      inspected = await call<InspectReply>({ type: 'inspect', text: $<HTMLInputElement>('inspect-text').value });
      map = await call<EmbeddingMapReply>({ type: 'embeddingMap' });
    } catch (e) {
      $('pieces').textContent = `Inspection failed: ${(e as Error).message}`;
      return;
    }
    const fill = (sel: HTMLSelectElement, n: number, name: string) => {
      const keep = sel.value;
      sel.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: String(i), text: `${name} ${i + 1}` })));
      sel.value = keep !== '' && Number(keep) < n ? keep : '0';
    };
    fill(select('layer'), inspected.nLayer, 'layer');
    fill(select('head'), inspected.nHead, 'head');
    $('once-result').hidden = true;
    $('once-status').textContent = `${inspected.pieces.length} tokens of card 4's text.`;
    await pick(Math.max(0, inspected.pieces.length - 2));
  }

  async function pick(i: number): Promise<void> {
    if (!inspected) return;
    selected = i;
    const r = inspected;
    renderPieces($('pieces'), r.pieces, i, (j) => void pick(j));
    renderNext($('bars'), $('next-caption'), r, i);
    drawAttention();
    renderLens($('lens'), r, i);
    const list = await call<Prob[]>({ type: 'neighbours', id: r.pieces[i].id });
    renderNeighbours($('neighbours'), r.pieces[i], list);
    if (map) renderEmbeddingMap($('emb-map') as unknown as SVGSVGElement, $('emb-caption'), map, r.pieces[i].id, list);
  }

  function drawAttention(): void {
    if (!inspected) return;
    const layer = Number(select('layer').value), head = Number(select('head').value);
    renderHeadsGrid($('heads'), inspected, layer, head, (l, h) => {
      select('layer').value = String(l);
      select('head').value = String(h);
      drawAttention();
    });
    renderHeatmap($('heatmap'), inspected, layer, head, selected, (j) => void pick(j));
  }
  select('layer').onchange = drawAttention;
  select('head').onchange = drawAttention;
  $('inspect').onclick = () => void inspect();

  $('once').onclick = async () => {
    if (!jobs.begin('at-once')) return;
    $('once-status').textContent = 'Timing…';
    try {
      const r = await call<AtOnceReply>({ type: 'atOnce', text: $<HTMLInputElement>('inspect-text').value });
      renderAtOnce($('once-result'), r);
      $('once-status').textContent = `${r.tokens} tokens of card 4's text.`;
    } catch (e) {
      $('once-status').textContent = `Could not time it: ${(e as Error).message}`;
    } finally {
      jobs.end();
    }
  };

  return {
    inspect,
    refresh(hasModel) {
      $<HTMLButtonElement>('inspect').disabled = !jobs.free || !hasModel;
      $<HTMLButtonElement>('once').disabled = !jobs.free || !hasModel;
    },
  };
}
