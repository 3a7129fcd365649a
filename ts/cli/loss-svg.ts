// The loss curve of a training run as a small standalone SVG: train loss per step (thin), its
// moving average, and val loss at each evaluation (dots), with axes labelled. No dependencies.

export interface LossPoint { step: number; loss: number }

export function lossCurveSvg(train: LossPoint[], val: LossPoint[], title = 'training loss'): string {
  const W = 720, H = 400, L = 56, R = 16, T = 36, B = 44;
  const all = [...train, ...val].filter((p) => Number.isFinite(p.loss));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">no data</text></svg>`;
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  const lo = Math.min(...all.map((p) => p.loss)), hi = Math.max(...all.map((p) => p.loss));
  const pad = (hi - lo) * 0.05 || 0.5;
  const y0 = lo - pad, y1 = hi + pad;
  const x = (s: number) => L + (s / maxStep) * (W - L - R);
  const y = (v: number) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  const path = (pts: LossPoint[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join('');
  // a centred window: a trailing mean would lag behind a falling curve and sit above it
  const half = Math.max(1, Math.min(10, Math.floor(train.length / 20)));
  const smooth = train.map((p, i) => {
    const w = train.slice(Math.max(0, i - half), i + half + 1);
    return { step: p.step, loss: w.reduce((a, q) => a + q.loss, 0) / w.length };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
  const stepTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * maxStep));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${L}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>
${ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v.toFixed(2)}</text>`).join('\n')}
${stepTicks.map((s) => `<text x="${x(s).toFixed(1)}" y="${H - B + 18}" text-anchor="middle" fill="#555">${s}</text>`).join('\n')}
<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" fill="#333">step</text>
<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle" fill="#333">cross-entropy (nats)</text>
<path d="${path(train)}" fill="none" stroke="#9cc3e6" stroke-width="1"/>
<path d="${path(smooth)}" fill="none" stroke="#1f6fb5" stroke-width="2"/>
${val.map((p) => `<circle cx="${x(p.step).toFixed(1)}" cy="${y(p.loss).toFixed(1)}" r="3.5" fill="#d9534f"/>`).join('\n')}
<g transform="translate(${W - R - 170} ${T + 4})"><rect width="168" height="48" fill="#fff" stroke="#ddd"/>
<line x1="8" x2="28" y1="14" y2="14" stroke="#1f6fb5" stroke-width="2"/><text x="34" y="18">train (smoothed)</text>
<circle cx="18" cy="34" r="3.5" fill="#d9534f"/><text x="34" y="38">val</text></g>
</svg>
`;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
