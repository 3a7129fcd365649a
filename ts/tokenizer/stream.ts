// Streaming decode for generation: push ids one by one, get back only complete characters; a
// UTF-8 character split across tokens (emoji, CJK in GPT-2) is held back until its last byte.
// Same idea as transformers.js's TextStreamer and tiktoken's decode_bytes + incremental UTF-8.
import type { Tokenizer } from './types.js';

export class StreamDecoder {
  // TextDecoder's stream mode keeps an incomplete trailing sequence (at most 3 bytes) for the
  // next call and turns invalid bytes into U+FFFD exactly as one-shot decode() does, so the
  // concatenated output always equals tokenizer.decode(allIds).
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(private readonly tokenizer: Pick<Tokenizer, 'tokenBytes'>) {}

  /**
   * Add one token; returns the characters it completed ('' if it ended mid-character).
   * Example (GPT-2, "🙂" = [8582, 25081], bytes F0 9F | 99 82): push(8582) → "", push(25081) → "🙂".
   */
  push(id: number): string {
    return this.decoder.decode(this.tokenizer.tokenBytes(id), { stream: true });
  }

  /** End of stream: returns what is held back (an incomplete character becomes U+FFFD) and resets. */
  flush(): string {
    return this.decoder.decode();
  }
}
