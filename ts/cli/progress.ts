// Reports training events: a live bar on a terminal (step/total, loss, val loss, tok/s, ETA),
// a plain line every few percent elsewhere (logs, CI), or one JSON object per line with --json.

import type { TrainEvent } from '../train/trainer.js';

export type ReportMode = 'tty' | 'plain' | 'json';

export function reportMode(json: boolean, stream: NodeJS.WriteStream = process.stderr): ReportMode {
  return json ? 'json' : stream.isTTY ? 'tty' : 'plain';
}

export class Progress {
  private val: number | null = null;
  private started = Date.now();
  private firstStep = -1;
  private lastPlain = -1;

  constructor(readonly total: number, readonly mode: ReportMode, readonly label = 'train') {}

  event(ev: TrainEvent): void {
    if (this.mode === 'json') { process.stdout.write(JSON.stringify(roundNumbers(ev)) + '\n'); return; }
    if (ev.type === 'eval') {
      this.val = ev.valLoss;
      this.line(`step ${ev.step}: train loss ${ev.trainLoss.toFixed(4)}${ev.valLoss === null ? '' : `, val loss ${ev.valLoss.toFixed(4)} (perplexity ${ev.valPerplexity!.toFixed(2)})`}`);
    } else if (ev.type === 'step') {
      if (this.firstStep < 0) { this.firstStep = ev.step - 1; this.started = Date.now(); }
      const done = ev.step - this.firstStep, left = this.total - ev.step;
      const eta = done > 0 ? ((Date.now() - this.started) / done) * left : 0;
      const text = `${this.label} ${ev.step}/${this.total} loss ${ev.loss.toFixed(4)}${this.val === null ? '' : ` val ${this.val.toFixed(4)}`} ${Math.round(ev.tokensPerSec).toLocaleString('en-US')} tok/s ETA ${clock(eta)}`;
      if (this.mode === 'tty') {
        const width = 24, fill = Math.round((ev.step / Math.max(1, this.total)) * width);
        process.stderr.write(`\r\x1b[2K▕${'█'.repeat(fill)}${'░'.repeat(width - fill)}▏ ${text}`);
      } else {
        const every = Math.max(1, Math.round(this.total / 20));
        if (ev.step % every === 0 || ev.step === this.total) { process.stderr.write(text + '\n'); this.lastPlain = ev.step; }
      }
    } else {
      this.line(`done at step ${ev.step}${ev.stopped ? ' (stopped early)' : ''}: ${Math.round(ev.tokensPerSec).toLocaleString('en-US')} tok/s` +
        `${ev.trainLoss === null ? '' : `, train loss ${ev.trainLoss.toFixed(4)}`}${ev.valLoss === null ? '' : `, val loss ${ev.valLoss.toFixed(4)}`}`);
    }
  }

  /** A message that must not be overwritten by the bar. */
  line(text: string): void {
    if (this.mode === 'json') return;
    process.stderr.write(this.mode === 'tty' ? `\r\x1b[2K${text}\n` : text + '\n');
  }
}

const clock = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** JSON with numbers at 6 significant digits: readable logs, nothing lost that matters. */
function roundNumbers(ev: object): object {
  return Object.fromEntries(Object.entries(ev).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v]));
}
