// The --out folder of `glassgpt train` (issue 16, problems 10, 11, 12 and 16): a folder that holds
// a checkpoint is refused without --resume or --force, one run at a time holds its lock, a folder
// that cannot be made fails before training, SIGTERM and SIGHUP save like Ctrl-C and exit with
// 143 and 129, and --seed beyond 32 bits is refused instead of wrapped.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gg-cli-out-'));
const data = join(dir, 'data.txt');
await writeFile(data, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40));
const tiny = ['--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--block-size', '16', '--batch-size', '4', '--backend', 'js', '--eval-iters', '1'];
const train = (out: string, ...more: string[]) => runCli(['train', '--data', data, ...tiny, '--out', out, '--json', ...more]);
const stepOf = (out: string) => Number(/"step":"(\d+)"/.exec(readFileSync(join(out, 'model.safetensors')).subarray(0, 4000).toString('latin1'))![1]);

describe('an --out that holds a checkpoint', () => {
  it('is refused without --resume or --force, and left as it was', async () => {
    const out = join(dir, 'taken');
    expect((await train(out, '--steps', '3')).code).toBe(0);
    const before = readFileSync(join(out, 'model.safetensors'));
    const r = await train(out, '--steps', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*taken already holds a checkpoint \(step 3\): continue it with --resume, replace it with --force, or choose another --out/);
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(before);
    const forced = await train(out, '--steps', '2', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(stepOf(out)).toBe(2);
    expect((await train(out, '--steps', '4', '--resume', '--force')).stderr).toMatch(/give one of them/);
  });

  it('is locked while a run uses it; a lock whose process is gone is taken over', async () => {
    const out = join(dir, 'locked');
    mkdirSync(out);
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: process.ppid, host: hostname() }));
    const busy = await train(out, '--steps', '1');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(new RegExp(`locked" is in use by another run \\(pid ${process.ppid} on ${hostname()}\\); wait for it, choose another --out`));
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: 999999999, host: hostname() })); // a run killed with -9
    expect((await train(out, '--steps', '1')).code).toBe(0);
    expect(readdirSync(out)).not.toContain('.lock'); // released at the end
  });

  it('that cannot be created fails before any training, naming why', async () => {
    for (const out of ['/sys/gg-run', '/proc/gg-run/deeper']) { // EPERM; ENOENT where mkdir -p looped forever
      const r = await train(out, '--steps', '1');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot create the checkpoint folder .*gg-run.* \((EPERM|ENOENT|EACCES|EROFS)[^)]*\); choose another --out/);
      expect(r.stdout).not.toMatch(/"type":"step"/);
    }
  }, 20_000); // mkdir -p looped forever on /proc: a hang fails by this timeout

  it('that exists but cannot be written into fails before any training (here: a file)', async () => {
    const out = join(dir, 'a-file');
    writeFileSync(out, 'not a folder');
    const r = await train(out, '--steps', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write into ".*a-file" \(ENOTDIR[^)]*\); choose a writable --out/);
    expect(r.stdout).not.toMatch(/"type":"step"/);
  });

  it('--seed must fit the 32-bit RNG state instead of wrapping', async () => {
    const r = await train(join(dir, 'seed'), '--steps', '1', '--seed', String(2 ** 32));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seed must be an integer ≥ 0 and ≤ 4294967295, got "4294967296"/);
  });
});

/** A real train process; resolves when its first step line is printed. */
function spawnTrain(out: string): { child: ReturnType<typeof spawn>; started: Promise<void>; exit: Promise<number | null>; stderr: () => string } {
  const cli = join(import.meta.dirname, 'ts-cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'train', '--data', data, ...tiny, '--steps', '1000000', '--eval-interval', '1000000', '--out', out, '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  const started = new Promise<void>((ok) => child.stdout!.on('data', (d) => { stdout += String(d); if (stdout.includes('"type":"step"')) ok(); }));
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, started, exit, stderr: () => stderr };
}

describe('signals', () => {
  it.each([['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const)('%s saves the progress and exits with %i', async (signal, code) => {
    const out = join(dir, `sig-${signal}`);
    const run = spawnTrain(out);
    await run.started;
    run.child.kill(signal);
    expect(await run.exit, run.stderr()).toBe(code);
    expect(run.stderr()).toMatch(new RegExp(`${signal}: stopping after this step and saving`));
    expect(stepOf(out)).toBeGreaterThan(0);
    const resumed = await train(out, '--steps', String(stepOf(out) + 1), '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
  }, 60_000);
});
