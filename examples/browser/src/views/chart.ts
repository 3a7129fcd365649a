// The live loss chart: training loss per step (optionally smoothed), validation loss at each
// evaluation as dots, and a dashed line at ln(V), the loss of a model that guesses uniformly.
// Plain SVG, redrawn on every update (a few hundred points).

const W = 560, H = 250, PAD = { l: 44, r: 14, t: 14, b: 30 };

export class LossChart {
  readonly train: [number, number][] = [];
  readonly val: [number, number][] = [];
  private steps = 1;
  private uniform = 0;
  smooth = false;

  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.draw();
  }

  reset(steps: number, vocabSize: number): void {
    this.train.length = 0; this.val.length = 0; this.steps = steps; this.uniform = Math.log(vocabSize);
    this.draw();
  }

  /** A run stopped early: the x-axis ends where it stopped, not at the planned step count. */
  finish(step: number): void {
    this.steps = Math.max(1, step);
    this.draw();
  }

  addStep(step: number, loss: number): void { this.train.push([step, loss]); this.draw(); }
  addVal(step: number, loss: number): void { this.val.push([step, loss]); this.draw(); }

  private series(): [number, number][] {
    if (!this.smooth) return this.train;
    let ema = this.train[0]?.[1] ?? 0; // exponential moving average, as TensorBoard's slider
    return this.train.map(([s, l]) => [s, (ema = 0.9 * ema + 0.1 * l)]);
  }

  draw(): void {
    const all = [...this.train.map((p) => p[1]), ...this.val.map((p) => p[1]), this.uniform].filter((v) => v > 0);
    const top = Math.max(1, ...all) * 1.05;
    const x = (s: number) => PAD.l + (s / this.steps) * (W - PAD.l - PAD.r);
    const y = (l: number) => PAD.t + (1 - l / top) * (H - PAD.t - PAD.b);
    const parts: string[] = [];
    for (let i = 0; i <= 4; i++) { // grid and loss labels
      const l = (top * i) / 4;
      parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(l)}" y2="${y(l)}" class="grid"/>`,
        `<text x="${PAD.l - 6}" y="${y(l) + 4}" class="tick" text-anchor="end">${l.toFixed(1)}</text>`);
    }
    parts.push(`<text x="${PAD.l}" y="${H - 8}" class="tick">step 0</text>`,
      `<text x="${W - PAD.r}" y="${H - 8}" class="tick" text-anchor="end">step ${this.steps}</text>`);
    if (this.uniform > 0) {
      parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(this.uniform)}" y2="${y(this.uniform)}" class="uniform"/>`,
        `<text x="${W - PAD.r - 4}" y="${y(this.uniform) - 5}" class="tick" text-anchor="end">guessing uniformly among ${Math.round(Math.exp(this.uniform))} tokens: ln ${Math.round(Math.exp(this.uniform))} = ${this.uniform.toFixed(2)}</text>`);
    }
    const pts = this.series();
    if (pts.length > 1) parts.push(`<polyline class="train" points="${pts.map(([s, l]) => `${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(' ')}"/>`);
    for (const [s, l] of this.val) parts.push(`<circle class="val" cx="${x(s)}" cy="${y(l)}" r="4"><title>validation loss ${l.toFixed(3)} at step ${s}</title></circle>`);
    const last = pts.at(-1);
    if (last) parts.push(`<text x="${Math.min(x(last[0]) + 6, W - 60)}" y="${y(last[1]) - 8}" class="now">${last[1].toFixed(2)}</text>`);
    this.svg.innerHTML = parts.join('');
  }
}
