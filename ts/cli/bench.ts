// `glassgpt bench <suite>`: runs a shipped benchmark (ts/bench/; reference libraries such as
// tfjs-wasm are compared when the user has installed them).
import { parseArgs } from 'node:util';

const SUITES: Record<string, () => Promise<(opts: { json: boolean; rounds?: number; threads?: number[] }) => Promise<void>>> = {
  kernels: async () => (await import('../bench/kernels.js')).runKernelBench,
};

export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, rounds: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean' } },
  });
  const suite = positionals[0];
  if (values.help || !suite || !SUITES[suite]) {
    console.error(`usage: glassgpt bench <${Object.keys(SUITES).join('|')}> [--json] [--rounds N] [--threads 1,2 (wasm thread counts, interleaved)]`);
    return values.help ? 0 : 2;
  }
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0)) {
    console.error(`glassgpt bench: --rounds must be a positive integer, got ${values.rounds}`);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : values.threads.split(',').map(Number);
  if (threads && !threads.every((t) => Number.isInteger(t) && t >= 1)) {
    console.error(`glassgpt bench: --threads must be thread counts ≥ 1 separated by commas (e.g. 1,2), got ${values.threads}`);
    return 2;
  }
  await (await SUITES[suite]())({ json: values.json ?? false, rounds, threads });
  return 0;
}
