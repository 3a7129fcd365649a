// Fuzz bench: the properties of tests/fuzz/properties.ts with many more generated inputs than
// npm test runs (default 8,000 per property, 13 properties: 104,000 cases). Reports cases, time
// and failures per property; exits 1 on any failure, printing fast-check's shrunk counterexample.
// Run: npx tsx benches/fuzz.ts [--runs-per-property 8000] [--seed N] [--json]
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { PROPERTIES } from '../tests/fuzz/properties.js';

const { values } = parseArgs({ options: { 'runs-per-property': { type: 'string', default: '8000' }, seed: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
const runs = Number(values['runs-per-property']);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
let total = 0, failed = 0;
const t0 = performance.now();
for (const p of PROPERTIES) {
  const t = performance.now();
  const r = await fc.check(p.property() as fc.IAsyncProperty<unknown>, { numRuns: runs, seed });
  total += r.numRuns;
  if (r.failed) failed++;
  const row = { property: p.name, cases: r.numRuns, seconds: +((performance.now() - t) / 1000).toFixed(1), failed: r.failed, counterexample: r.failed ? JSON.stringify(r.counterexample).slice(0, 300) : undefined, error: r.failed ? String(r.errorInstance).slice(0, 300) : undefined };
  console.log(values.json ? JSON.stringify(row) : `${p.name.padEnd(80)} ${String(r.numRuns).padStart(7)} cases ${row.seconds.toFixed(1).padStart(6)} s ${r.failed ? `FAILED: ${row.error} on ${row.counterexample}` : 'ok'}`);
}
const summary = { cases: total, properties: PROPERTIES.length, failed, seed, seconds: +((performance.now() - t0) / 1000).toFixed(1) };
console.log(values.json ? JSON.stringify(summary) : `fuzz: ${total.toLocaleString('en-US')} generated inputs over ${PROPERTIES.length} properties, ${failed} failing, seed ${seed}, ${summary.seconds} s`);
process.exit(failed ? 1 : 0);
