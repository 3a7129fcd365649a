// Node-only: reading a file whose size is checked before a byte is read. readFile on /dev/zero,
// a FIFO or a 40 GB file would otherwise read until the heap gives out (12 GB after a minute);
// here a non-regular file or one over the limit is an error in microseconds, naming the limit.

import { GlassgptError } from '../errors.js';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { MAX_HEADER_BYTES } from './safetensors.js';
import { MAX_ALLOC_BYTES } from '../backend/base.js';

/** A file that cannot be read as asked: missing, not a regular file, or over a size limit. */
export class FileReadError extends GlassgptError {
  readonly code: string = 'ERR_FILE_READ';
  override name = 'FileReadError';
}

/** Largest checkpoint file: one parameter buffer (the wasm32 allocation limit) plus the largest
 *  header the safetensors reader accepts. A bigger file cannot load into any GPT here. */
export const MAX_CHECKPOINT_BYTES = MAX_ALLOC_BYTES + MAX_HEADER_BYTES + 8;

/** Largest text file: V8's longest string (2^29 − 24 UTF-16 units on 64-bit Node); a UTF-8 file
 *  never decodes to more units than it has bytes, so anything smaller always fits. */
export const MAX_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** The bytes of a regular file of at most maxBytes; `what` names it in errors (e.g. "checkpoint"). */
export function readFileLimited(path: string, maxBytes: number, what: string, fix = ''): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new FileReadError(`cannot read ${what} ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new FileReadError(`${what} ${JSON.stringify(path)} is not a regular file (a device, pipe or directory); give a file`);
    }
    if (st.size > maxBytes) {
      throw new FileReadError(`${what} ${JSON.stringify(path)} is ${st.size} bytes (${mib(st.size)}), over the limit of ${maxBytes} bytes (${mib(maxBytes)})${fix ? `: ${fix}` : ''}`);
    }
    // exactly the size fstat gave: a file that grows while we read cannot make us read more
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) throw new FileReadError(`${what} ${JSON.stringify(path)} shrank from ${st.size} to ${at} bytes while being read; is something still writing it?`);
      at += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let j = 1; j < n; j++) if ((b[i + j] & 0xc0) !== 0x80) return i;
    // overlong 3/4-byte forms, surrogates and code points past U+10FFFF
    if ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f) || (c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f)) return i;
    i += n;
  }
  return -1;
}

/** A UTF-8 text file of at most MAX_TEXT_BYTES. Invalid UTF-8 (binary data, Latin-1) is decoded
 *  with U+FFFD as before, but never silently: `warn` is told where the first bad byte is. */
export function readTextFile(path: string, what: string, warn: (message: string) => void = (m) => process.stderr.write(m + '\n')): string {
  const bytes = readFileLimited(path, MAX_TEXT_BYTES, what, 'split it into smaller files, or pre-tokenize it into a .bin token file');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes); // a BOM stays, as readFileSync kept it
  } catch {
    // only on this path: find where, say so, then decode with replacements
  }
  const bad = Math.max(0, firstInvalidUtf8(bytes));
  const nul = bytes.indexOf(0) >= 0 ? ' and NUL bytes (binary data?)' : '';
  warn(`warning: ${what} ${JSON.stringify(path)} is not valid UTF-8 (first invalid byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad})${nul}; ` +
    'invalid bytes become U+FFFD. Convert it first (e.g. iconv -f latin1 -t utf-8) if that is not what you want');
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}
