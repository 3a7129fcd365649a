// Browser test harness: Debian's Chromium driven by playwright-core (no downloaded browsers),
// headless with a fresh profile, against a static server on 127.0.0.1 that the test owns, and
// the example page built by vite from the package's dist (as a user's bundler would).

import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = join(ROOT, 'test-output');

/** The Chromium binary, or null (the browser tests then skip and say why). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH ?? '']
  .find((p) => p !== '' && existsSync(p)) ?? null;
export const SKIP_REASON = CHROMIUM ? '' :
  'no Chromium at /usr/bin/chromium: install it (apt-get install chromium, or `node scripts/setup.mjs --browser`) to run the browser tests';
// CI installs Chromium, so there a missing browser is a failure, never a quiet skip.
if (SKIP_REASON && process.env.CI) throw new Error(SKIP_REASON);

/** Why the package cannot be bundled yet, or '' when dist/ holds the built library and kernels. */
export function packageProblem(pkgDir = process.env.GLASSGPT_PACKAGE_DIR ?? ROOT): string {
  for (const f of ['dist/index.js', 'dist/glassgpt-simd.wasm']) {
    if (!existsSync(join(pkgDir, f))) return `${join(pkgDir, f)} is missing: run \`npm run build\` first (npm test does)`;
  }
  return '';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer { url: string; close(): Promise<void> }

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, so wasm threads). */
export const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Serves `dir` on 127.0.0.1 at a random port (GET only, no directory listings), with `headers`
 *  on every response (ISOLATION_HEADERS for the threads tests). */
export async function serve(dir: string, headers: Record<string, string> = {}): Promise<StaticServer> {
  const base = resolve(dir);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers });
    res.end(await readFile(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

export interface Browser { context: BrowserContext; close(): Promise<void> }

/** Headless Chromium with a fresh profile folder (removed on close). */
export async function launch(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(SKIP_REASON);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'glassgpt-chromium-'));
  // Playwright passes the profile as --user-data-dir; the rest are this machine's flags for a
  // quiet, offline, GPU-less headless run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** Builds one page of examples/browser (index or parity) with vite into test-output/example-<page>:
 *  one folder per page, because vitest runs test files in parallel and a build empties its folder. */
export async function buildExample(page: 'index' | 'parity'): Promise<string> {
  const outDir = join(OUT, `example-${page}`);
  process.env.GLASSGPT_EXAMPLE_OUT = outDir;
  process.env.GLASSGPT_EXAMPLE_PAGES = page;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'examples', 'browser', 'vite.config.ts'), logLevel: 'warn' });
  return outDir;
}
