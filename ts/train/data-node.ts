// Node-only: tokens read straight from a file, nanoGPT's train.bin / val.bin (uint16, little
// endian): each batch window is one positioned read, so a corpus larger than memory trains with a
// few kilobytes resident (np.memmap in nanoGPT). writeTokenFile makes such a file.

import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import type { TokenSource } from './data.js';
import { ArgumentError } from '../errors.js';
import { FileReadError } from '../io/read-node.js';

export class FileTokens implements TokenSource {
  readonly length: number;
  private readonly fd: number;
  private buf = new Uint8Array(0);

  /** Tokens [start, start + length) of a uint16 token file (default: all of it). */
  constructor(readonly path: string, readonly start = 0, length?: number) {
    this.fd = openSync(path, 'r');
    const size = fstatSync(this.fd).size;
    if (size % 2 !== 0) { closeSync(this.fd); throw new FileReadError(`${path}: ${size} bytes is not a whole number of uint16 tokens`); }
    const total = size / 2;
    this.length = length ?? total - start;
    if (!(Number.isInteger(start) && start >= 0 && this.length >= 0 && start + this.length <= total)) {
      closeSync(this.fd);
      throw new ArgumentError(`${path}: tokens [${start}, ${start + this.length}) are outside the file's ${total}`);
    }
  }

  read(start: number, out: Int32Array): void {
    if (start < 0 || start + out.length > this.length) throw new ArgumentError(`FileTokens.read: [${start}, ${start + out.length}) is outside [0, ${this.length})`);
    const bytes = out.length * 2;
    if (this.buf.length < bytes) this.buf = new Uint8Array(bytes);
    const got = readSync(this.fd, this.buf, 0, bytes, (this.start + start) * 2);
    if (got !== bytes) throw new FileReadError(`${this.path}: short read (${got} of ${bytes} bytes); was the file truncated?`);
    for (let i = 0; i < out.length; i++) out[i] = this.buf[2 * i] | (this.buf[2 * i + 1] << 8);
  }

  /** Two views of one file: the first (1 − valFraction) for training, the rest for validation. */
  static split(path: string, valFraction: number): { train: FileTokens; val: FileTokens } {
    const all = new FileTokens(path);
    const n = Math.floor(all.length * (1 - valFraction));
    all.close();
    return { train: new FileTokens(path, 0, n), val: new FileTokens(path, n) };
  }

  close(): void { closeSync(this.fd); }
}

/** Writes ids as a uint16 little-endian token file (every id must be < 65,536). */
export function writeTokenFile(path: string, ids: ArrayLike<number>): void {
  const out = new Uint8Array(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(Number.isInteger(id) && id >= 0 && id < 65536)) throw new ArgumentError(`writeTokenFile: id ${id} at ${i} does not fit uint16`);
    out[2 * i] = id & 0xff;
    out[2 * i + 1] = id >> 8;
  }
  writeFileSync(path, out);
}
