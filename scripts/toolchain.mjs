// Finds (or installs) a Rust toolchain that can build wasm32-unknown-unknown with simd128.
// Two routes, detected, never assumed:
//   1. rustup: the wasm32 target is installed or `rustup target add` can fetch it;
//   2. Debian's rustc-web/cargo-web + rust-web-src + lld-19: rebuild std from the shipped sources
//      (-Zbuild-std, RUSTC_BOOTSTRAP=1), crates-io replaced by the vendored library sources.
//      The replacement is passed as `cargo --config FILE`, never committed, so other machines
//      are not affected.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const TARGET = 'wasm32-unknown-unknown';
const DEBIAN_PACKAGES = ['rustc-web', 'cargo-web', 'rust-web-src', 'lld-19'];

const say = (msg) => console.error(`[glassgpt setup] ${msg}`);
const ok = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const out = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return ''; } };

function rustupRoute() {
  if (!ok('rustup', ['--version'])) return null;
  if (!out('rustup', ['target', 'list', '--installed']).split('\n').includes(TARGET)) {
    say(`rustup found; adding the ${TARGET} target`);
    if (!ok('rustup', ['target', 'add', TARGET])) { say('rustup could not add the target (offline?); trying the Debian route'); return null; }
  }
  return { name: 'rustup', cargo: 'cargo', env: {}, args: [] };
}

function vendorDir() {
  for (const line of out('dpkg', ['-L', 'rust-web-src']).split('\n')) {
    if (/\/library\/vendor$/.test(line) && existsSync(line)) return line;
  }
  return null;
}

function debianRoute({ install }) {
  let vendor = vendorDir();
  const linker = ['wasm-ld-19', 'wasm-ld'].find((l) => ok('which', [l]));
  if ((!vendor || !existsSync('/usr/bin/cargo') || !linker) && install) {
    if (process.getuid?.() !== 0) {
      throw new Error(`The Rust wasm toolchain is missing. Install it with:\n  sudo apt-get install ${DEBIAN_PACKAGES.join(' ')}\nor with rustup: rustup target add ${TARGET}`);
    }
    say(`installing Debian's Rust wasm toolchain: apt-get install ${DEBIAN_PACKAGES.join(' ')} (about a minute)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', ...DEBIAN_PACKAGES], { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get install ${DEBIAN_PACKAGES.join(' ')} failed`);
    vendor = vendorDir();
  }
  const ld = ['wasm-ld-19', 'wasm-ld'].find((l) => ok('which', [l]));
  if (!vendor || !ld) return null;
  const dir = join(tmpdir(), 'glassgpt-cargo');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'vendor.toml');
  writeFileSync(config, `[source.crates-io]\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "${vendor}"\n`);
  return {
    name: 'debian',
    cargo: '/usr/bin/cargo',
    env: { RUSTC: '/usr/bin/rustc', RUSTC_BOOTSTRAP: '1' },
    args: ['--config', config, '-Zbuild-std=std,panic_abort'],
    linker: ld,
  };
}

let found; // one search per process, so its notices are printed once however many variants are built

/** The toolchain to build with, installing Debian's packages when nothing else works. */
export function findToolchain({ install = true } = {}) {
  found ??= rustupRoute() ?? debianRoute({ install });
  if (!found) throw new Error(`No Rust toolchain can build ${TARGET}. Install rustup and run \`rustup target add ${TARGET}\`, or on Debian: apt-get install ${DEBIAN_PACKAGES.join(' ')}`);
  return found;
}

export { TARGET, say };
