// Per-word cache for BPE encode: word (a span of the input text) → ids, on typed arrays so a hit
// allocates nothing: no match array, no substring, no boxed number[] (the gpt-tokenizer and
// tiktoken caches key a Map by the word string, which costs a slice and a rehash per word).

/**
 * Open-addressing table of up to `capacity` words. Keys are UTF-16 code units copied into one
 * arena, values are ids in another; when full, everything is dropped at once (a generation reset:
 * cheaper than LRU bookkeeping on every hit, and a text rarely has more distinct words).
 * Example: put("abc", 0, 3, h, [1, 2]) then get("xabcx", 1, 4, h) → slot whose ids are [1, 2].
 */
export class WordCache {
  readonly capacity: number;
  size = 0;
  private readonly mask: number;
  private readonly slotHash: Int32Array; // 0 = empty (hashes are forced odd)
  private readonly slotKey: Int32Array; // arena offset of the key; its length is in slotKeyLen
  private readonly slotKeyLen: Int32Array;
  private readonly slotVal: Int32Array;
  private readonly slotValLen: Int32Array;
  private keys: Uint16Array;
  private keyTop = 0;
  /** Ids of every cached word, back to back; read a hit as vals[valStart(s) … + valLength(s)). */
  vals: Int32Array;
  private valTop = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.mask = slots - 1;
    this.slotHash = new Int32Array(slots);
    this.slotKey = new Int32Array(slots);
    this.slotKeyLen = new Int32Array(slots);
    this.slotVal = new Int32Array(slots);
    this.slotValLen = new Int32Array(slots);
    // Arenas start small and double as words arrive.
    this.keys = new Uint16Array(Math.min(Math.max(1024, capacity * 8), 1 << 16));
    this.vals = new Int32Array(Math.min(Math.max(1024, capacity * 2), 1 << 15));
  }

  /** Hash of text[start, end) (FNV-1a style over UTF-16 units, forced odd so it is never 0). */
  static hash(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return (h ^ (h >>> 15)) | 1;
  }

  /** The slot holding text[start, end), or -1. */
  get(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    const keys = this.keys, hashes = this.slotHash;
    let s = h & this.mask;
    let sh: number;
    while ((sh = hashes[s]) !== 0) {
      if (sh === h && this.slotKeyLen[s] === len) {
        let k = this.slotKey[s], i = start;
        while (i < end && keys[k] === text.charCodeAt(i)) { k++; i++; }
        if (i === end) return s;
      }
      s = (s + 1) & this.mask;
    }
    return -1;
  }

  valStart(slot: number): number { return this.slotVal[slot]; }
  valLength(slot: number): number { return this.slotValLen[slot]; }

  /** Caches text[start, end) → ids[from, to). The word must not be cached already. */
  put(text: string, start: number, end: number, h: number, ids: number[], from: number, to: number): void {
    if (this.size >= this.capacity) this.clear();
    const len = end - start, n = to - from;
    if (this.keyTop + len > this.keys.length) this.keys = grow16(this.keys, this.keyTop + len);
    if (this.valTop + n > this.vals.length) this.vals = grow32(this.vals, this.valTop + n);
    let s = h & this.mask;
    while (this.slotHash[s] !== 0) s = (s + 1) & this.mask;
    this.slotHash[s] = h;
    this.slotKey[s] = this.keyTop;
    this.slotKeyLen[s] = len;
    for (let i = start; i < end; i++) this.keys[this.keyTop++] = text.charCodeAt(i);
    this.slotVal[s] = this.valTop;
    this.slotValLen[s] = n;
    for (let i = from; i < to; i++) this.vals[this.valTop++] = ids[i];
    this.size++;
  }

  clear(): void {
    this.slotHash.fill(0);
    this.size = this.keyTop = this.valTop = 0;
  }
}

function grow16(a: Uint16Array, need: number): Uint16Array {
  const b = new Uint16Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function grow32(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
