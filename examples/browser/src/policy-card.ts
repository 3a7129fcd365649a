// Card 13, the policy step: PPO or GRPO against the reward model, or DPO straight from the
// rankings, run on the page's model in the worker with progress and Stop; per step the reward
// (DPO: the margin) and the KL to the reference, a warning when the KL runs away, and the same
// prompts' answers before and after with the reward model's scores.

import { jobs } from './jobs.js';
import { klRunaway, METHODS } from './policy-options.js';
import type { PolicyMethod, PolicyReply, PolicySettings, Ranking } from './protocol.js';
import { drawCurve } from './views/curve.js';
import { renderPolicySamples } from './views/policy.js';
import type { Call } from './worker-client.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const svg = (id: string) => $(id) as unknown as SVGSVGElement;

export interface PolicySource {
  /** The learner's rankings of the tuned model's answers, or null (none yet, or not of chat answers). */
  rankings(): Ranking[] | null;
  hasRewardModel(): boolean;
}

export interface PolicyCard {
  refresh(): void;
  reset(): void;
  onStep(step: number, steps: number, reward: number, kl: number): void;
}

export function policyCard(call: Call, src: PolicySource): PolicyCard {
  let method: PolicyMethod = 'ppo', rewards: number[] = [], kls: number[] = [], result = ''; // result: the last run's summary
  const status = (t: string) => { $('policy-status').textContent = t; };
  const running = () => jobs.current === 'policy';
  const info = () => METHODS[method];

  /** Why the chosen method cannot run yet, or ''. */
  const missing = () => !src.rankings() ? 'Instruction-tune the model (card 11), then rank its answers (card 12).'
    : info().needsRewardModel && !src.hasRewardModel() ? `${info().label} optimises the reward model's score: train it in card 12 (or choose DPO).` : '';

  const controls = () => {
    for (const m of Object.keys(METHODS) as PolicyMethod[]) {
      $<HTMLButtonElement>(`policy-${m}`).disabled = running();
      $(`policy-${m}`).setAttribute('aria-pressed', String(m === method));
    }
    $<HTMLButtonElement>('policy-train').disabled = !jobs.free || missing() !== '';
    $<HTMLButtonElement>('policy-stop').disabled = !running();
    if (!running()) status(missing() || result || `Ready: ${info().label} on the ${src.rankings()!.length} prompts you ranked.`);
  };

  const choose = (m: PolicyMethod) => {
    method = m; result = '';
    const d = info().defaults;
    $<HTMLInputElement>('policy-steps').value = String(d.steps);
    $<HTMLInputElement>('policy-beta').value = String(d.beta);
    $<HTMLInputElement>('policy-kl-target').value = d.klTarget === null ? '' : String(d.klTarget);
    $<HTMLInputElement>('policy-ptx').value = String(d.ptxCoef);
    $<HTMLSelectElement>('policy-variant').value = d.variant;
    $('policy-kl-target-box').hidden = m === 'dpo'; // DPO samples nothing to measure a KL on while it trains
    $('policy-variant-box').hidden = m !== 'dpo';
    $('policy-beta-label').textContent = info().betaLabel;
    $('policy-about').textContent = `${info().label} ${info().about}`;
    controls();
  };
  for (const m of Object.keys(METHODS) as PolicyMethod[]) $(`policy-${m}`).onclick = () => choose(m);

  const charts = (steps: number) => {
    drawCurve(svg('policy-reward'), rewards, steps, method === 'dpo'
      ? { title: 'implicit reward margin (better − worse)', include: [0] } : { title: 'mean reward of the sampled answers', include: [0] });
    drawCurve(svg('policy-kl'), kls, steps, { title: 'KL to the reference, nats per answer (an estimate)', include: [0], className: 'kl' });
    const away = klRunaway(kls);
    $('policy-warning').hidden = !away;
    if (away) {
      $('policy-warning').textContent = `The KL ran away: at step ${away.step} the answers were already ${away.kl.toFixed(1)} nats from the reference ` +
        `(about e^${away.kl.toFixed(0)} ≈ ${Math.round(Math.exp(away.kl)).toLocaleString()} times less likely under it). A rising reward now is probably reward hacking: ` +
        'the model has found text the reward model over-rates, not better answers. Read the samples. A larger β' +
        (method === 'dpo' ? ', the IPO loss' : ', a KL target') + ' or ptx γ > 0 (practising what it learned before) holds it closer.';
    }
  };

  $('policy-stop').onclick = () => void call({ type: 'stop' });
  $('policy-train').onclick = async () => {
    const records = src.rankings();
    if (!records || !jobs.begin('policy')) return;
    const d = info().defaults, num = (id: string, fallback: number) => { const v = Number($<HTMLInputElement>(id).value); return Number.isFinite(v) && v >= 0 ? v : fallback; };
    const target = $<HTMLInputElement>('policy-kl-target').value.trim();
    const settings: PolicySettings = {
      ...d, steps: Math.max(1, Math.round(num('policy-steps', d.steps))), beta: num('policy-beta', d.beta), ptxCoef: num('policy-ptx', 0),
      klTarget: method === 'dpo' || target === '' || !(Number(target) > 0) ? null : Number(target),
      variant: $<HTMLSelectElement>('policy-variant').value === 'ipo' ? 'ipo' : 'sigmoid',
    };
    rewards = []; kls = []; result = '';
    delete document.body.dataset.policy;
    $('policy-result').hidden = false;
    $('policy-samples').replaceChildren();
    charts(settings.steps);
    status(`Answering the prompts before ${info().label}…`);
    try {
      const r = await call<PolicyReply>({ type: 'policyTrain', method, records, settings });
      renderPolicySamples($('policy-samples'), r.before, r.after, r.samples);
      const box = $('policy-samples');
      box.dataset.meanBefore = String(r.meanBefore);
      box.dataset.meanAfter = String(r.meanAfter);
      const score = r.meanBefore !== null && r.meanAfter !== null
        ? ` The reward model's mean score over ${r.samples} answers per prompt: ${r.meanBefore.toFixed(2)} → ${r.meanAfter.toFixed(2)}.` : '';
      // what the trainer did with the knobs, read back from it: β's path under a KL target, ptx, the loss
      const knobs = [method === 'dpo' ? `${settings.variant === 'ipo' ? 'IPO' : 'sigmoid'} loss, β ${settings.beta}` : '',
        r.klCoef && settings.klTarget !== null ? `β ${r.klCoef[0].toFixed(3)} → ${r.klCoef[1].toFixed(3)} towards KL ${settings.klTarget}` : '',
        r.ptx ? `ptx γ ${settings.ptxCoef}` : ''].filter(Boolean).join(', ');
      result = `${r.steps < settings.steps ? `Stopped at step ${r.steps} of ${settings.steps}` : `${info().label}: ${r.steps} steps`}${knobs ? ` (${knobs})` : ''} in ${(r.ms / 1000).toFixed(1)} s.${score}` +
        ' The model on this page is now the tuned policy: card 3 samples from it.';
      document.body.dataset.policy = method;
    } catch (e) {
      result = `${info().label} failed: ${(e as Error).message}`;
    } finally {
      jobs.end();
    }
  };

  choose('ppo');
  return {
    refresh: controls,
    reset() { rewards = []; kls = []; result = ''; $('policy-result').hidden = true; delete document.body.dataset.policy; controls(); },
    onStep(step, steps, reward, kl) {
      rewards[step - 1] = reward; kls[step - 1] = kl;
      charts(steps);
      status(`${info().label}: step ${step} of ${steps}, ${method === 'dpo' ? 'margin' : 'reward'} ${reward.toFixed(2)}${Number.isFinite(kl) ? `, KL ${kl.toFixed(2)}` : ''}`);
    },
  };
}
