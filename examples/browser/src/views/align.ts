// The alignment card's views: one column per prompt with its samples as rankable rows (a rank
// badge, the text, and once trained the reward bar before → after), and the reward model's loss
// as a small curve against ln 2, the loss of a model that cannot tell the samples apart.

import type { RewardReply } from '../protocol.js';
import { drawCurve } from './curve.js';
import { el } from './dom.js';

export interface Group { prompt: string; responses: string[]; order: number[] } // order: indices, best first

/** The samples, ranked so far by `order`; a click on sample i of group g calls onPick(g, i). */
export function renderGroups(box: HTMLElement, groups: Group[], rewards: RewardReply | null, onPick: (g: number, i: number) => void): void {
  const all = rewards ? [...rewards.before.flat(), ...rewards.after.flat()].map(Math.abs) : [];
  const scale = Math.max(1e-6, ...all);
  box.replaceChildren(...groups.map((grp, g) => el('div', { class: 'align-group' },
    el('h4', { text: `after “${grp.prompt}”` }),
    ...grp.responses.map((text, i) => {
      const rank = grp.order.indexOf(i) + 1, K = grp.responses.length;
      const row = el('button', {
        class: `align-sample${rank ? ' ranked' : ''}${rank === 1 ? ' best' : ''}${rank === K ? ' worst' : ''}`,
        'data-rank': rank ? String(rank) : '', title: rank ? `ranked ${rank} of ${K}: click to take back this rank and those after it` : 'click to give the next rank',
      },
      el('span', { class: 'rank', text: rank ? String(rank) : '·' }),
      el('span', { class: 'align-text' }, el('span', { class: 'prompt', text: grp.prompt }), text || '∅'));
      if (rewards) {
        const b = rewards.before[g][i], a = rewards.after[g][i];
        row.dataset.before = String(b);
        row.dataset.after = String(a);
        row.append(rewardBar(b, a, scale));
      }
      row.addEventListener('click', () => onPick(g, i));
      return row;
    }))));
}

/** A bar from the centre (reward 0) to the reward after training; a grey tick where it was before. */
function rewardBar(before: number, after: number, scale: number): HTMLElement {
  const pos = (v: number) => 50 + (50 * v) / scale;
  const fill = el('span', { class: `reward-fill${after < 0 ? ' neg' : ''}` });
  fill.style.left = `${Math.min(50, pos(after))}%`;
  fill.style.width = `${Math.abs(pos(after) - 50)}%`;
  const tick = el('span', { class: 'reward-tick', title: `before training: ${before.toFixed(2)}` });
  tick.style.left = `${pos(before)}%`;
  return el('span', { class: 'reward' },
    el('span', { class: 'reward-track' }, el('span', { class: 'reward-zero' }), fill, tick),
    el('span', { class: 'reward-value', text: `${fmt(before)} → ${fmt(after)}` }));
}

const fmt = (v: number) => `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`;

/** The Bradley–Terry loss per step; the dashed line is ln 2, where the rewards are all equal. */
export function lossCurve(svg: SVGSVGElement, losses: number[], steps: number): void {
  drawCurve(svg, losses, steps, { title: 'loss', reference: { value: Math.LN2, label: 'a coin flip: ln 2 = 0.69' }, include: [0, 1] });
}
