// Card 12, teaching the model a preference: the trained model writes K samples for a few prompts
// (answers to the first instruction-tuning prompts once the model is tuned, else continuations of
// sentence starts from the text), the learner ranks them (clicks, best first) or takes the
// suggested ranking, and the worker trains a reward model on every pair of those rankings. The
// page only keeps the rankings; the worker keeps the reward model for card 13.

import { jobs } from './jobs.js';
import type { Ranking, RewardReply } from './protocol.js';
import { lossCurve, renderGroups, type Group } from './views/align.js';
import type { Call } from './worker-client.js';

const K = 4, PROMPTS = 3, STEPS = 150, MAX_TOKENS = 20;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Prompts from the text itself: the first two words of sentences spread through it. */
export function alignPrompts(text: string, n = PROMPTS): string[] {
  const starts = text.split(/(?<=[.!?])\s+/).map((s) => s.split(/\s+/).slice(0, 2).join(' ')).filter((s) => /^[A-Za-z]/.test(s) && s.includes(' '));
  const out: string[] = [];
  for (let i = 0; out.length < n && i < starts.length; i++) {
    const s = starts[Math.floor(((i * 0.618034) % 1) * starts.length)]; // a golden-ratio walk spreads the picks
    if (!out.includes(s)) out.push(s);
  }
  return out.length ? out : ['The'];
}

/** The suggested ranking's rule: +1 for every pair of neighbouring words in the sample that the
 *  training text also has side by side, −2 for every pair it never has; best first, ties keep
 *  their order. Example (text "the cat sat"): "the cat sat" = 2, "the sat cat" = −4. */
export function suggestRanking(bigrams: Set<string>, prompt: string, responses: string[]): number[] {
  const score = (r: string) => wordPairs(prompt + r).reduce((s, p) => s + (bigrams.has(p) ? 1 : -2), 0);
  const sc = responses.map(score);
  return responses.map((_, i) => i).sort((a, b) => sc[b] - sc[a] || a - b);
}

/** "The cat, sat." → ["the cat", "cat sat"]. */
export function wordPairs(text: string): string[] {
  const w = text.toLowerCase().match(/[a-z']+/g) ?? [];
  return w.slice(1).map((x, i) => `${w[i]} ${x}`);
}

export interface AlignCard {
  enable(on: boolean): void; // a trained model is there and the worker is free
  reset(): void; // a new model (or a newly tuned one): its samples are still to be written
  onStep(step: number, loss: number): void; // progress of the reward model's training
  /** The complete rankings of a tuned model's answers (what card 13 learns from), or null. */
  rankings(): Ranking[] | null;
  hasRewardModel(): boolean; // trained on the current rankings
}

/** `tunedPrompts`: the instruction-tuning prompts once the model is tuned, else null.
 *  `onChange`: the rankings or the reward model changed. */
export function alignCard(call: Call, trainingText: () => string, tunedPrompts: () => string[] | null, onChange: () => void): AlignCard {
  let groups: Group[] = [], rewards: RewardReply | null = null, losses: number[] = [], ready = false, seed = 2024, chat = false;
  const status = (t: string) => { $('align-status').textContent = t; };
  const ranked = () => groups.length > 0 && groups.every((g) => g.order.length === g.responses.length);
  const controls = () => {
    const busy = !jobs.free;
    $<HTMLButtonElement>('align-samples').disabled = busy || !ready;
    $<HTMLButtonElement>('align-suggest').disabled = busy || groups.length === 0 || ranked();
    $<HTMLButtonElement>('align-train').disabled = busy || !ranked();
  };
  const draw = () => { renderGroups($('align-groups'), groups, rewards, pick); controls(); };
  const rankStatus = () => {
    const n = groups.filter((g) => g.order.length === g.responses.length).length;
    status(n < groups.length ? `Click each prompt's samples from best to worst (${n} of ${groups.length} prompts ranked).`
      : `All ranked: ${groups.length} × ${K * (K - 1) / 2} = ${groups.length * K * (K - 1) / 2} comparisons. Train the reward model on them.`);
  };
  const forget = () => { // a changed ranking makes the trained rewards stale
    rewards = null; losses = [];
    $('align-result').hidden = true;
    delete document.body.dataset.aligned;
    onChange();
  };

  function pick(g: number, i: number): void {
    if (!jobs.free) return;
    const grp = groups[g], at = grp.order.indexOf(i);
    if (at >= 0) grp.order = grp.order.slice(0, at); // take back this rank and the ones after it
    else {
      grp.order.push(i);
      if (grp.order.length === grp.responses.length - 1) grp.order.push(grp.responses.findIndex((_, j) => !grp.order.includes(j)));
    }
    forget(); draw(); rankStatus();
  }

  $('align-samples').onclick = async () => {
    if (!jobs.begin('samples')) return;
    forget();
    status('Writing samples…');
    try {
      const tuned = tunedPrompts();
      const prompts = tuned ? tuned.slice(0, PROMPTS) : alignPrompts(trainingText());
      const samples = await call<string[][]>({ type: 'alignSamples', prompts, k: K, maxTokens: MAX_TOKENS, seed: seed++, chat: tuned !== null });
      groups = prompts.map((prompt, g) => ({ prompt, responses: samples[g], order: [] }));
      chat = tuned !== null;
      rankStatus();
    } catch (e) {
      status(`Could not write samples: ${(e as Error).message}`);
    } finally {
      jobs.end(); draw();
    }
  };

  $('align-suggest').onclick = () => {
    const bigrams = new Set(wordPairs(trainingText()));
    for (const g of groups) if (g.order.length < g.responses.length) g.order = suggestRanking(bigrams, g.prompt, g.responses); // yours stay
    forget(); draw(); rankStatus();
  };

  $('align-train').onclick = async () => {
    if (!jobs.begin('reward')) return;
    forget();
    const records: Ranking[] = groups.map((g) => ({ prompt: g.prompt, responses: g.responses, ranking: g.order }));
    try {
      $('align-result').hidden = false;
      rewards = await call<RewardReply>({ type: 'alignTrain', records, steps: STEPS });
      const r = rewards;
      const pc = (v: number) => `${Math.round(v * 100)}%`;
      $('align-acc').innerHTML = `<b>${pc(r.accuracyBefore)} → ${pc(r.accuracyAfter)}</b>`;
      $('align-acc').dataset.before = String(r.accuracyBefore);
      $('align-acc').dataset.after = String(r.accuracyAfter);
      $('align-summary').textContent = `of your ${r.pairs} comparisons give the sample you preferred the higher reward ` +
        `(before training the rewards are near 0 and the order is a coin flip). Loss ${losses[0]?.toFixed(2)} → ${losses.at(-1)?.toFixed(2)}.`;
      status(`Trained the reward model in ${(r.ms / 1000).toFixed(1)} s: ${STEPS} steps on ${r.pairs} comparisons.` +
        (chat ? ' Card 13 can now optimise the model for it.' : ''));
      document.body.dataset.aligned = 'true';
    } catch (e) {
      rewards = null;
      status(`Reward model training failed: ${(e as Error).message}`);
    } finally {
      jobs.end(); draw(); onChange();
    }
  };

  return {
    enable(on: boolean) {
      ready = on;
      if (on && groups.length === 0) status('Press “Write samples” to see what the trained model writes.');
      controls();
    },
    reset() {
      groups = []; chat = false; forget(); draw();
      status(ready ? 'Press “Write samples” to see what the trained model writes.' : 'Train a model first (card 1).');
    },
    onStep(step: number, loss: number) {
      losses[step - 1] = loss;
      lossCurve($<HTMLElement>('align-chart') as unknown as SVGSVGElement, losses, STEPS);
      status(`Training the reward model: step ${step} of ${STEPS}, loss ${loss.toFixed(3)}`);
    },
    rankings: () => (chat && ranked() ? groups.map((g) => ({ prompt: g.prompt, responses: g.responses, ranking: g.order })) : null),
    hasRewardModel: () => rewards !== null,
  };
}
