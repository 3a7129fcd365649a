// A small per-step line chart in plain SVG, for the cards after pre-training: the reward model's,
// the instruction tuning's loss, the policy's reward and KL. values[i] belongs to step i + 1; NaN
// is a step without a measurement (the line joins the measured ones). A dashed reference line
// (ln 2 for a coin flip, for instance) and values that must stay in view set the y range.

const W = 360, H = 130, PAD = { l: 40, r: 10, t: 16, b: 24 };

export interface CurveOptions {
  title: string; // drawn at the top left
  reference?: { value: number; label: string };
  include?: number[]; // y values always shown (e.g. 0)
  className?: string; // of the line (default 'train')
}

export function drawCurve(svg: SVGSVGElement, values: readonly number[], steps: number, o: CurveOptions): void {
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const seen = values.filter(Number.isFinite);
  const ys = [...seen, ...(o.include ?? []), ...(o.reference ? [o.reference.value] : [])];
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08;
  lo = lo < 0 || !(o.include ?? []).includes(lo) ? lo - pad : lo;
  hi += pad;
  const x = (s: number) => PAD.l + (s / Math.max(1, steps)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const parts = [lo, (lo + hi) / 2, hi].map((v) => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v)}" y2="${y(v)}" class="grid"/>` +
    `<text x="${PAD.l - 5}" y="${y(v) + 4}" class="tick" text-anchor="end">${tick(v)}</text>`);
  parts.push(`<text x="${PAD.l}" y="11" class="tick">${o.title}</text>`,
    `<text x="${PAD.l}" y="${H - 6}" class="tick">step 0</text>`, `<text x="${W - PAD.r}" y="${H - 6}" class="tick" text-anchor="end">step ${steps}</text>`);
  if (o.reference) {
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(o.reference.value)}" y2="${y(o.reference.value)}" class="uniform"/>`,
      `<text x="${W - PAD.r - 4}" y="${y(o.reference.value) - 5}" class="tick" text-anchor="end">${o.reference.label}</text>`);
  }
  const pts = values.map((v, i) => [i + 1, v] as const).filter(([, v]) => Number.isFinite(v));
  if (pts.length > 1) parts.push(`<polyline class="${o.className ?? 'train'}" points="${pts.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  for (const [s, v] of pts.length <= 12 ? pts : []) parts.push(`<circle class="dot" cx="${x(s).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5"/>`);
  svg.innerHTML = parts.join('');
}

function tick(v: number): string {
  const a = Math.abs(v);
  return (v < 0 ? '−' : '') + (a >= 10 ? a.toFixed(0) : a.toFixed(1));
}
