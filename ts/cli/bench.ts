// `glassgpt bench <suite>`: runs a shipped benchmark (ts/bench/; reference libraries such as
// tfjs-wasm are compared when the user has installed them).

import { command, num, parse, stdio, UsageError } from './args.js';

const SUITES: Record<string, () => Promise<(opts: { json: boolean; rounds?: number; threads?: number[] }) => Promise<void>>> = {
  kernels: async () => (await import('../bench/kernels.js')).runKernelBench,
};

const USAGE = `usage: glassgpt bench <${Object.keys(SUITES).join('|')}> [--json] [--rounds N] [--threads 1,2 (wasm thread counts, interleaved)]\n`;

export async function benchCommand(argv: string[]): Promise<number> {
  return command('bench', USAGE, stdio, async () => {
    const [suite, ...rest] = argv;
    if (suite === '--help' || suite === '-h') { stdio.out(USAGE); return 0; }
    if (suite === undefined || !SUITES[suite]) throw new UsageError(suite === undefined ? 'missing suite' : `unknown suite ${JSON.stringify(suite)}`);
    const v = parse(rest, { json: { type: 'boolean' }, rounds: { type: 'string' }, threads: { type: 'string' } });
    if (!v) { stdio.out(USAGE); return 0; }
    const threads = v.threads === undefined ? undefined : (v.threads as string).split(',').map(Number);
    if (threads && !threads.every((t) => Number.isInteger(t) && t >= 1)) {
      throw new UsageError(`--threads must be thread counts ≥ 1 separated by commas (e.g. 1,2), got ${JSON.stringify(v.threads)}`);
    }
    await (await SUITES[suite]())({ json: v.json === true, rounds: num(v, 'rounds', { int: true, min: 1 }), threads });
    return 0;
  });
}
