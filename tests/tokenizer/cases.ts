// Shared tokenizer test inputs: an edge-case suite and a seeded random string generator over
// every Unicode plane (tiktoken's and minbpe's test texts, widened).

/** mulberry32: a tiny seeded PRNG, so every random test is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random well-formed string of `len` code points: a third ASCII (letters, digits, spaces,
 * punctuation, newlines), a third BMP, a third from planes 1-16. No lone surrogates.
 */
export function randomString(next: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const kind = next();
    let cp: number;
    if (kind < 0.34) cp = " \n\t'sa1.,!?AZaz09"[Math.floor(next() * 17)].charCodeAt(0) + (next() < 0.5 ? 0 : Math.floor(next() * 20));
    else if (kind < 0.67) do cp = Math.floor(next() * 0x10000); while (cp >= 0xd800 && cp <= 0xdfff);
    else cp = 0x10000 + Math.floor(next() * 0x100000);
    s += String.fromCodePoint(Math.min(cp, 0x10ffff));
  }
  return s;
}

/** One character from each of the 17 planes at several offsets, and their mixes with text. */
function planes(): string[] {
  const out: string[] = [];
  for (let p = 0; p <= 16; p++) {
    const cps = [0x41, 0x100, 0x1234, 0x4e00, 0xabcd, 0xfffd].map((o) => p * 0x10000 + o)
      .filter((cp) => cp < 0xd800 || cp > 0xdfff);
    out.push(String.fromCodePoint(...cps), 'x ' + cps.map((cp) => String.fromCodePoint(cp)).join(' ') + ' y');
  }
  out.push(Array.from({ length: 17 }, (_, p) => String.fromCodePoint(p * 0x10000 + 0x2021)).join(''));
  return out;
}

export const EDGE_CASES: string[] = [
  '', ' ', 'a', 'Hello world', 'tokenization',
  // every plane
  ...planes(), '\u{10FFFF}', '\u{E0001}\u{E0041}', '\u0000\u0001\u007f\u0080\u00ff',
  // emoji: ZWJ sequences, skin tones, flags, variation selectors
  '👨‍👩‍👧‍👦 family', '🏳️‍🌈', '👍🏽👍🏿👋🏻', '👩🏿‍💻 codes', '🧑🏼‍🤝‍🧑🏻', '🇺🇸🇯🇵🇩🇪', '❤️ ❤ ☺️', 'I 🙂 you 🙃!',
  // combining marks
  'e\u0301 vs \u00e9', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǒ̝̈', 'n\u0303\u0323 a\u0300\u0301\u0302\u0303', '\u1100\u1161\u11a8 한국어 텍스트',
  // CJK and other scripts
  '日本語のテキスト、漢字とかな。', '中文分词测试，标点符号！', 'ภาษาไทย', 'Ελληνικά κείμενα', 'Привет, мир!', 'हिन्दी पाठ',
  // RTL
  'שלום עולם', 'مرحبا بالعالم', '\u202eabc\u202c', 'abc שלום 123 مرحبا.', '\u200f\u200e\u061c',
  // whitespace runs
  ' '.repeat(1000), '\n'.repeat(500), '\t'.repeat(300), 'a   b\n\n\n c \t\t d', ' \n \n ', 'x' + ' '.repeat(5000) + 'y',
  '\r\n\r\n', '\u00a0\u2003\u3000 \u00a0x', 'hello   ', '   leading', ' \t\n\u000b\u000c\r\u0085\u2028\u2029 end',
  // digits
  '1234567890', '3.14159 2.71828', '1,000,000 and 1_000_000', '٠١٢٣٤ ۴۵۶', 'Ⅻ ² ³ ½', '0x1F 1e-9 -42',
  // contractions, both cases
  "I'm I'M we'll WE'LL don't DON'T they're THEY'RE I've I'VE he'd HE'D it's IT'S",
  "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'VE 'M 'LL 'D", "rock 'n' roll ''''", "x's y't z're a've b'm c'll d'd",
  // special spellings (ordinary text by default)
  '<|endoftext|>', 'a<|endoftext|>b <|user|><|assistant|><|end|>',
  // long words, code, URLs, BOM
  // (js-tiktoken's merge loop is quadratic: 10,000 "a"s take it 34 s, so the suite stays at 2,000;
  // gpt2.test.ts checks 10,000-byte words against gpt-3-encoder alone.)
  'a'.repeat(2000), 'ab'.repeat(600), 'supercalifragilisticexpialidocious', 'naïve café résumé façade',
  'function f(x) { return x ** 2; } // done', 'https://example.com/a?b=c&d=e#f', '\ufeffBOM first', '!!!???...;;;',
];
