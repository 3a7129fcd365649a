// `npm run example`: builds the example page (examples/browser) against the package's dist/, as
// a user's vite app would, and serves it, printing the address. Set-up (npm packages, kernels,
// library) is done first by setup.mjs, as for the demo. PORT=… picks the port (default 4173).

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const { build, preview } = await import('vite');
const configFile = join(root, 'examples', 'browser', 'vite.config.ts');
console.error('[glassgpt example] building the page with vite');
await build({ configFile });
const server = await preview({ configFile, preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: false } });
const url = server.resolvedUrls?.local[0] ?? '(no address)';
console.log(`\nglassgpt example page: ${url}index.html   (parity check: ${url}parity.html)\nCtrl-C stops the server.`);
