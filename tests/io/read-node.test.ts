// File sizes before reading (issue 16, problems 7 and 15): /dev/zero, a FIFO and a file over
// the limit are refused in milliseconds by what they are; invalid UTF-8 is decoded as before
// but never silently.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReadError, MAX_CHECKPOINT_BYTES, firstInvalidUtf8, readFileLimited, readTextFile } from '../../ts/io/read-node.js';
import { sampleCommand } from '../../ts/cli/sample.js';
import { runCli } from '../cli/run-cli.js';

async function runSample(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await sampleCommand(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'gg-read-'));

describe('readFileLimited', () => {
  it('refuses /dev/zero at once instead of reading without bound', () => {
    expect(() => readFileLimited('/dev/zero', MAX_CHECKPOINT_BYTES, 'checkpoint')).toThrow(FileReadError);
    expect(() => readFileLimited('/dev/zero', MAX_CHECKPOINT_BYTES, 'checkpoint')).toThrow(/"\/dev\/zero" is not a regular file/);
  }, 10_000); // a read without bound would hang: it fails by this timeout

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readFileLimited(fifo, 100, 'checkpoint')).toThrow(/is not a regular file/);
  });

  it('refuses a file over the limit before reading it (a sparse 3 GB file)', () => {
    const big = join(dir, 'big.safetensors');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 3 * 2 ** 30);
    closeSync(fd);
    expect(() => readFileLimited(big, MAX_CHECKPOINT_BYTES, 'checkpoint')).toThrow(/is 3221225472 bytes \(3072\.0 MiB\), over the limit of 2247483640 bytes/);
  }, 10_000); // a read without bound would hang: it fails by this timeout

  it('reads a regular file exactly, and names a missing one', () => {
    const f = join(dir, 'x.bin');
    writeFileSync(f, Uint8Array.of(1, 2, 3));
    expect(Array.from(readFileLimited(f, 3, 'x'))).toEqual([1, 2, 3]);
    expect(() => readFileLimited(f, 2, 'x', 'use a smaller one')).toThrow(/is 3 bytes .* over the limit of 2 bytes .*: use a smaller one/);
    expect(() => readFileLimited(join(dir, 'nope'), 3, 'tokenizer file')).toThrow(/cannot read tokenizer file ".*nope": ENOENT/);
  });
});

describe('readTextFile', () => {
  it('warns where invalid UTF-8 starts (binary data, Latin-1), and still decodes with U+FFFD', () => {
    const f = join(dir, 'latin1.txt');
    writeFileSync(f, Buffer.from('caf\xe9 ok\x00', 'latin1'));
    const warnings: string[] = [];
    expect(readTextFile(f, '--data', (m) => warnings.push(m))).toBe('caf\uFFFD ok\0');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not valid UTF-8 \(first invalid byte 0xe9 at offset 3\) and NUL bytes \(binary data\?\); invalid bytes become U\+FFFD.*iconv/);
  });

  it('valid UTF-8 (a BOM kept, as readFileSync kept it) gives no warning', () => {
    const f = join(dir, 'ok.txt');
    writeFileSync(f, '\uFEFFhé 😀');
    const warnings: string[] = [];
    expect(readTextFile(f, '--data', (m) => warnings.push(m))).toBe('\uFEFFhé 😀');
    expect(warnings).toEqual([]);
  });

  it('firstInvalidUtf8 finds truncated, overlong and surrogate sequences', () => {
    const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
    expect(at(0x61, 0xc3, 0xa9)).toBe(-1);
    expect(at(0x61, 0xc3)).toBe(1); // truncated
    expect(at(0xc0, 0xaf)).toBe(0); // overlong '/'
    expect(at(0x61, 0xed, 0xa0, 0x80)).toBe(1); // a surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // past U+10FFFF
  });
});

describe('the CLI', () => {
  it('sample --checkpoint /dev/zero fails at once naming the problem', async () => {
    const r = await runSample(['--checkpoint', '/dev/zero', '--prompt', 'a']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/checkpoint "\/dev\/zero" is not a regular file \(a device, pipe or directory\); give a file/);
  }, 10_000); // a read without bound would hang: it fails by this timeout

  it('train on Latin-1 text says so on stderr (it was decoded with U+FFFD silently)', async () => {
    const f = join(dir, 'latin1-corpus.txt');
    writeFileSync(f, Buffer.from('d\xe9j\xe0 vu, caf\xe9. '.repeat(40), 'latin1'));
    const r = await runCli(['train', '--data', f, '--steps', '1', '--n-layer', '1', '--n-head', '2', '--n-embd', '8', '--block-size', '8',
      '--batch-size', '2', '--eval-iters', '1', '--backend', 'js', '--out', join(dir, 'latin1-run')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --data ".*latin1-corpus.txt" is not valid UTF-8 \(first invalid byte 0xe9 at offset 1\)/);
  });
});
