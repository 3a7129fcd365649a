// Kernel benchmark, run from the repository: `npx tsx benches/kernels.ts [--json] [--rounds N]`.
// The bench itself ships with the package (ts/bench/kernels.ts, `npx glassgpt bench kernels`).
import { runKernelBench } from '../ts/bench/kernels.js';

const args = process.argv.slice(2);
const ri = args.indexOf('--rounds');
runKernelBench({ json: args.includes('--json'), rounds: ri >= 0 ? Number(args[ri + 1]) : undefined })
  .catch((e) => { console.error(e); process.exit(1); });
