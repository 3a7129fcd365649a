#!/usr/bin/env node
// The glassgpt command: runs the built CLI in dist/ (npm run build makes it).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('glassgpt: dist/cli.js is missing; build the package first with `npm run build`');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
