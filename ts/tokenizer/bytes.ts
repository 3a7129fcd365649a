// Byte helpers: GPT-2's printable byte alphabet (openai/gpt-2 encoder.py `bytes_to_unicode`),
// a UTF-8 encoder into a reusable buffer, and lenient decoding for explain views.

/**
 * GPT-2's byte → printable character table. Printable Latin-1 bytes map to themselves; the other
 * 68 bytes (controls, space, …) map to U+0100 onward, in byte order.
 * Example: byte 0x20 (space) → "Ġ" (U+0120), byte 0x0A → "Ċ" (U+010A), byte 0x41 → "A".
 */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + n++);
  }
  return table;
}

const BYTE_TO_CHAR = bytesToUnicode();
const CHAR_TO_BYTE = new Map<string, number>(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** Bytes → GPT-2 printable string: [0x20, 0x74] → "Ġt". */
export function bytesToPrintable(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** GPT-2 printable string → bytes, or undefined if a character is outside the alphabet. */
export function printableToBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = CHAR_TO_BYTE.get(s[i]);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * UTF-8 of `s[start, end)` written into `out` from 0; returns the byte count. `out` must hold
 * 3 bytes per UTF-16 unit. Lone surrogates become U+FFFD (EF BF BD), exactly as TextEncoder does,
 * so encode() sees the same bytes as every reference tokenizer that uses TextEncoder.
 */
export function utf8Into(s: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[n++] = 0xf0 | (c >> 18);
          out[n++] = 0x80 | ((c >> 12) & 63);
          out[n++] = 0x80 | ((c >> 6) & 63);
          out[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd; // lone surrogate
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string (lone surrogates → U+FFFD). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

// ignoreBOM: keep a leading U+FEFF as text (the default decoder would silently drop it, and
// decode(encode("\uFEFFx")) would lose a character).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** UTF-8 → string; invalid sequences become U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Length of the valid UTF-8 sequence starting at bytes[i], or 0 if none starts there. */
function seqLen(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  let len: number, lo = 0x80, hi = 0xbf;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) len = 2;
  else if (b >= 0xe0 && b <= 0xef) { len = 3; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
  else if (b >= 0xf0 && b <= 0xf4) { len = 4; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
  else return 0;
  if (i + len > bytes.length) return 0;
  for (let k = 1; k < len; k++) {
    const c = bytes[i + k];
    if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return 0;
  }
  return len;
}

/**
 * Bytes → text for explain views: valid UTF-8 is decoded, each stray byte is written `<0xNN>`.
 * Example: [0x68, 0x69] → "hi"; [0xF0, 0x9F] (half an emoji) → "<0xF0><0x9F>".
 */
export function bytesToPieceText(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = seqLen(bytes, i);
    if (len === 0) {
      out += `<0x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}>`;
      i++;
    } else {
      out += decoder.decode(bytes.subarray(i, i + len));
      i += len;
    }
  }
  return out;
}
