// Kill harness: crashes a real `glassgpt train` with SIGKILL at random instants, again and again,
// and checks after every kill that the checkpoint folder resumes (recovery to the newest
// consistent pair, then model + optimizer state loaded as `--resume` loads them). The model is
// tiny and --eval-interval 1 saves after every step, so most of the run's time is spent inside
// saves and many kills land between a save's writes and renames.
// Run: npx tsx benches/kill-harness.ts [--kills 120] [--cli bin/glassgpt.js] [--seed 1] [--json]
// Prints the counts; exits 1 when any folder could not be resumed.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend } from '../ts/backend/index.js';
import { loadModelDir, loadTrainerState } from '../ts/train/checkpoint-node.js';
import { MemoryTokens } from '../ts/train/data.js';
import { Trainer } from '../ts/train/trainer.js';
import { Rng } from '../ts/tensor/random.js';

const { values } = parseArgs({ options: {
  kills: { type: 'string', default: '120' }, cli: { type: 'string', default: 'bin/glassgpt.js' },
  seed: { type: 'string', default: '1' }, 'max-delay': { type: 'string', default: '1500' }, json: { type: 'boolean', default: false },
}, strict: true });
const KILLS = Number(values.kills), CLI = resolve(values.cli), MAX_DELAY = Number(values['max-delay']);
const rng = new Rng(Number(values.seed));
const dir = mkdtempSync(join(tmpdir(), 'gg-kill-'));
const out = join(dir, 'run');
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog. '.repeat(400));
const ARGS = ['train', '--data', corpus, '--out', out, '--steps', '1000000', '--eval-interval', '1', '--eval-iters', '1',
  '--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--block-size', '16', '--batch-size', '2', '--backend', 'wasm', '--json'];

/** Starts train (fresh the first time, --resume after), kills it after `delay` ms. */
function runAndKill(resume: boolean, delay: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...ARGS, ...(resume ? ['--resume'] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    child.on('exit', (code, signal) => { clearTimeout(timer); done({ code, signal, stderr }); });
  });
}

const be = await createBackend('wasm');
/** What --resume does: recover, load the weights, load the optimizer state at the same step. */
async function verify(): Promise<{ ok: boolean; step: number; message: string }> {
  try {
    const { model, step } = await loadModelDir(be, out);
    const t = new Trainer(model, { train: new MemoryTokens(new Uint16Array(64)), steps: 1e6, batchSize: 2, blockSize: 16 });
    await loadTrainerState(out, t, step);
    t.free(); model.free();
    return { ok: true, step, message: '' };
  } catch (e) {
    return { ok: false, step: -1, message: (e as Error).message };
  }
}

let kills = 0, midSave = 0, unrecoverable = 0, exitedEarly = 0, started = false, lastStep = 0;
const failures: string[] = [];
const t0 = Date.now();
for (let i = 0; i < KILLS; i++) {
  const delay = 250 + Math.floor(rng.uniform() * (MAX_DELAY - 250));
  const r = await runAndKill(started, delay);
  if (r.signal === 'SIGKILL') kills++;
  else { exitedEarly++; if (r.code !== 0 && failures.length < 5) failures.push(`exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`); }
  let files: string[] = [];
  try { files = readdirSync(out); } catch { continue; } // killed before the folder existed
  if (!files.some((f) => f.startsWith('model.safetensors') || f.startsWith('train-state'))) continue; // before the first save
  started = true;
  if (files.some((f) => f.endsWith('.next') || f.endsWith('.tmp'))) midSave++;
  const v = await verify();
  if (!v.ok) {
    unrecoverable++;
    if (failures.length < 5) failures.push(v.message);
    rmSync(out, { recursive: true, force: true }); // start over, so later kills still test something
    started = false;
  } else {
    lastStep = v.step;
  }
}
const result = { kills, killsDuringSave: midSave, unrecoverable, exitedBeforeKill: exitedEarly, lastStep, seconds: Math.round((Date.now() - t0) / 1000), cli: CLI };
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`kill harness: ${kills} SIGKILLs of a real training run (${midSave} left a save unfinished: .next or .tmp files), ` +
    `${unrecoverable} unrecoverable folders, ${exitedEarly} runs ended before their kill, resumed up to step ${lastStep}, ${result.seconds} s`);
  for (const f of failures) console.log(`  failure: ${f}`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(unrecoverable > 0 ? 1 : 0);
